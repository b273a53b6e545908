/**
 * Logging something that fails again and again, across jobs — an app hook called at every model
 * round or read, a tool whose API is down — without a line per failure: one line per call buried
 * everything else in the log. The first failure is logged whole; the next ones of the same key
 * within `HOOK_FAILURE_WINDOW_MS` are counted, and one line `WINDOW` after the first of them gives
 * their number, the last error and the jobs they were for (the first `HOOK_FAILURE_JOB_IDS_MAX`,
 * then the number of failures of the others, `otherJobFailures`), or at shutdown what was counted
 * so far. The next failure after that line is logged whole again.
 */
import type { Logger } from './logger'
import type { TimerSet } from './timers'

/** How long after a logged failure the next ones are counted, not logged. */
export const HOOK_FAILURE_WINDOW_MS = 60_000

/** How many job ids the count line names; the jobs past them are counted (`otherJobFailures`). */
export const HOOK_FAILURE_JOB_IDS_MAX = 50

interface Failures {
  /** Until when failures are counted rather than logged (`Date.now()`). */
  countedUntil: number
  failures: number
  jobIds: Set<string>
  otherJobFailures: number
  lastError: unknown
  /** The count line's timer, armed at the first counted failure. */
  armed: boolean
}

/**
 * Per engine (its timer set: the engine and the chat routes share it), per key: a few hook names
 * and the registered tools' names, so a bounded set.
 */
const byTimers = new WeakMap<TimerSet, Map<string, Failures>>()

/** What `logRepeatedFailure` is given. */
export interface RepeatedFailure {
  /** What failed (a hook's name, `tool x`): failures are counted per key. Keep the set bounded. */
  key: string
  logger: Logger
  /** The engine's timers: the count line's timer is one of them (reported at shutdown). */
  timers: TimerSet
  jobId?: string
  /** The whole line, for a failure that is logged. */
  log: () => void
  error: unknown
  /**
   * A later error of a failure already logged or counted (a hook that did not settle in time, then
   * failed): while a count line is due it is that line's last error, not one more failure; else logged.
   */
  again?: boolean
  /** The count line: its level, its message for a number of failures, and fields of its own. */
  count: { level: 'warn' | 'error', message: (failures: number) => string, fields?: Record<string, unknown> }
}

/** Logs one failure, or counts it when the same key failed just before. */
export function logRepeatedFailure({ key, logger, timers, jobId, log, error, again, count }: RepeatedFailure): void {
  let failing = byTimers.get(timers)
  if (!failing) byTimers.set(timers, failing = new Map())
  const now = Date.now()
  const state = failing.get(key)
  if (again && state?.armed) {
    state.lastError = error
    return
  }
  // The error of the one failure logged so far in this window: logged too, and nothing armed.
  if (again && state && now < state.countedUntil) return log()
  if (!state || (!state.armed && now >= state.countedUntil)) {
    log()
    failing.set(key, { countedUntil: now + HOOK_FAILURE_WINDOW_MS, failures: 0, jobIds: new Set(), otherJobFailures: 0, lastError: undefined, armed: false })
    return
  }
  state.failures++
  state.lastError = error
  if (jobId && !state.jobIds.has(jobId)) {
    if (state.jobIds.size < HOOK_FAILURE_JOB_IDS_MAX) state.jobIds.add(jobId)
    else state.otherJobFailures++
  }
  if (state.armed) return
  state.armed = true
  const report = () => {
    failing.delete(key)
    logger[count.level](count.message(state.failures), {
      ...count.fields,
      failures: state.failures,
      jobIds: [...state.jobIds],
      ...(state.otherJobFailures ? { otherJobFailures: state.otherJobFailures } : {}),
      error: state.lastError,
    })
  }
  timers.timeout(report, HOOK_FAILURE_WINDOW_MS, { onClear: report })
}
