/**
 * Logging something that fails again and again, across jobs — an app hook called at every model
 * round or read, a tool whose API is down — without a line per failure: one line per call buried
 * everything else in the log. The first failure is logged whole; the next ones of the same key
 * within `HOOK_FAILURE_WINDOW_MS` are counted, and one line `WINDOW` after the first of them gives
 * their number, the last error and the jobs they were for (the first `HOOK_FAILURE_JOB_IDS_MAX`,
 * then the number of failures of the others, `otherJobFailures`), or at shutdown what was counted
 * so far. The next failure after that line is logged whole again.
 *
 * Given a `kind` (failure-kind.ts), failures are counted per key and kind: after a streak of one
 * error, a different one of the same key (a new bug while the API is down) is logged whole too,
 * and each kind gets its own count line. At most `FAILURE_KINDS_MAX` kinds of a key are told apart
 * at once; failures of further kinds share one slot, logged once and counted as "other kinds". So
 * what is held stays bounded: keys × (`FAILURE_KINDS_MAX` + 1) windows.
 */
import type { Logger } from './logger'
import type { TimerSet } from './timers'

/** How long after a logged failure the next ones are counted, not logged. */
export const HOOK_FAILURE_WINDOW_MS = 60_000

/** How many job ids the count line names; the jobs past them are counted (`otherJobFailures`). */
export const HOOK_FAILURE_JOB_IDS_MAX = 50

/** How many kinds of failure of one key are told apart at once (each logged whole, then counted on its own). */
export const FAILURE_KINDS_MAX = 8

/** Separates a key from its kind in a slot's name (no kind or key holds it). */
const KIND_SEPARATOR = '\u0000'

/** The slot the failures of kinds past `FAILURE_KINDS_MAX` share. */
const OTHER_KINDS = '\u0001other'

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
  /** What kind of failure it is (failure-kind.ts): counted per key and kind (see the file comment). */
  kind?: string
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
  /**
   * The count line: its level, its message for a number of failures (`otherKinds`: of kinds past
   * `FAILURE_KINDS_MAX`, not the kind of the failure logged before), fields of its own, and how
   * it shows the last error (default `{ error }`; a tool's refusal: its text, no error object).
   */
  count: { level: 'info' | 'warn' | 'error', message: (failures: number, otherKinds: boolean) => string, fields?: Record<string, unknown>, last?: (error: unknown) => Record<string, unknown> }
}

/**
 * The slot a failure is counted in: its key, or its key and kind. A new kind of a key holding
 * `FAILURE_KINDS_MAX` kinds first drops the kinds whose window passed with nothing counted (they
 * would be logged whole again anyway), then, still full, shares the other-kinds slot.
 */
function slotOf(failing: Map<string, Failures>, key: string, kind: string | undefined, now: number): { slot: string, otherKinds: boolean } {
  if (kind === undefined) return { slot: key, otherKinds: false }
  const prefix = key + KIND_SEPARATOR
  const slot = prefix + kind
  if (failing.has(slot)) return { slot, otherKinds: false }
  let held = 0
  for (const [name, state] of failing) {
    if (!name.startsWith(prefix) || name === prefix + OTHER_KINDS) continue
    if (!state.armed && now >= state.countedUntil) failing.delete(name)
    else held++
  }
  return held < FAILURE_KINDS_MAX ? { slot, otherKinds: false } : { slot: prefix + OTHER_KINDS, otherKinds: true }
}

/** Logs one failure, or counts it when the same key failed just before. */
export function logRepeatedFailure({ key, kind, logger, timers, jobId, log, error, again, count }: RepeatedFailure): void {
  let failing = byTimers.get(timers)
  if (!failing) byTimers.set(timers, failing = new Map())
  const now = Date.now()
  const { slot, otherKinds } = slotOf(failing, key, kind, now)
  const state = failing.get(slot)
  if (again && state?.armed) {
    state.lastError = error
    return
  }
  // The error of the one failure logged so far in this window: logged too, and nothing armed.
  if (again && state && now < state.countedUntil) return log()
  if (!state || (!state.armed && now >= state.countedUntil)) {
    log()
    failing.set(slot, { countedUntil: now + HOOK_FAILURE_WINDOW_MS, failures: 0, jobIds: new Set(), otherJobFailures: 0, lastError: undefined, armed: false })
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
    failing.delete(slot)
    logger[count.level](count.message(state.failures, otherKinds), {
      ...count.fields,
      failures: state.failures,
      jobIds: [...state.jobIds],
      ...(state.otherJobFailures ? { otherJobFailures: state.otherJobFailures } : {}),
      ...(count.last ? count.last(state.lastError) : { error: state.lastError }),
    })
  }
  timers.timeout(report, HOOK_FAILURE_WINDOW_MS, { onClear: report })
}
