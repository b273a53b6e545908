/**
 * How the failures of the hooks called again and again for one job are logged: `upstream-request`
 * (every model round of every job) and `chat-message-metadata` (every stream and messages read).
 * Failing on every call — the app's vault or database down — one line per call buried everything
 * else in the log. The first failure is logged whole, as before; the next ones within
 * `HOOK_FAILURE_WINDOW_MS` are counted, and one line `WINDOW` after the first of them gives their
 * number, the last error and the jobs they were for (the first `HOOK_FAILURE_JOB_IDS_MAX`, then the
 * number of failures of the others, `otherJobFailures`), or at shutdown what was counted so far. The next failure after that line is logged whole again.
 * `job-created` and `job-ended` (once per job) are logged at every failure: each line names a job whose
 * hook work was lost, to reconcile.
 */
import type { Logger } from './logger'
import type { TimerSet } from './timers'

/** How long after a logged failure the next ones are counted, not logged. */
export const HOOK_FAILURE_WINDOW_MS = 60_000

/** How many job ids the count line names; the jobs past them are counted (`otherJobFailures`). */
export const HOOK_FAILURE_JOB_IDS_MAX = 50

/** The hooks logged this way (the others: every failure). */
export const REPEATED_HOOKS: ReadonlySet<string> = new Set(['background-jobs:upstream-request', 'background-jobs:chat-message-metadata'])

interface HookFailures {
  /** Until when failures are counted rather than logged (`Date.now()`). */
  countedUntil: number
  failures: number
  jobIds: Set<string>
  otherJobFailures: number
  lastError: unknown
  /** The count line's timer, armed at the first counted failure. */
  armed: boolean
}

/** Per engine (its timer set: the engine and the chat routes share it), per hook name: at most the two names above. */
const byTimers = new WeakMap<TimerSet, Map<string, HookFailures>>()

/** What `logHookFailure` is given. */
export interface HookFailure {
  hookName: string
  logger: Logger
  timers: TimerSet
  jobId?: string
  /** The whole line, for a failure that is logged. */
  log: () => void
  error: unknown
}

/** Logs one failure of a hook (a throw or no answer in time), or counts it when its hook failed just before. */
export function logHookFailure({ hookName, logger, timers, jobId, log, error }: HookFailure): void {
  if (!REPEATED_HOOKS.has(hookName)) return log()
  let hooks = byTimers.get(timers)
  if (!hooks) byTimers.set(timers, hooks = new Map())
  const now = Date.now()
  const state = hooks.get(hookName)
  if (!state || (!state.armed && now >= state.countedUntil)) {
    log()
    hooks.set(hookName, { countedUntil: now + HOOK_FAILURE_WINDOW_MS, failures: 0, jobIds: new Set(), otherJobFailures: 0, lastError: undefined, armed: false })
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
    hooks.delete(hookName)
    const jobs = [...state.jobIds]
    logger.error(`hook ${hookName} failed ${state.failures} more times after the failure logged before (not logged one by one; the last error is shown)`, {
      failures: state.failures,
      jobIds: jobs,
      ...(state.otherJobFailures ? { otherJobFailures: state.otherJobFailures } : {}),
      error: state.lastError,
    })
  }
  timers.timeout(report, HOOK_FAILURE_WINDOW_MS, { onClear: report })
}
