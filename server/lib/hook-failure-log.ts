/**
 * How the failures of the hooks called again and again for one job are logged: `upstream-request`
 * (every model round of every job) and `chat-message-metadata` (every stream and messages read).
 * Failing on every call — the app's vault or database down — one line per call buried everything
 * else in the log. The first failure is logged whole, as before; the next ones within a minute are
 * counted, then one count line (repeated-failure-log.ts). Per hook and kind of failure
 * (failure-kind.ts), as a tool's: a hook failing two ways (its vault down, then a bug of its own)
 * logs both whole, each counted on its own. `job-created` and `job-ended` (once per
 * job) are logged at every failure: each line names a job whose hook work was lost, to reconcile.
 */
import { failureKind } from './failure-kind'
import type { Logger } from './logger'
import { FAILURE_KINDS_MAX, logRepeatedFailure } from './repeated-failure-log'
import type { TimerSet } from './timers'

export { HOOK_FAILURE_JOB_IDS_MAX, HOOK_FAILURE_WINDOW_MS } from './repeated-failure-log'

/** The hooks logged this way (the others: every failure). */
export const REPEATED_HOOKS: ReadonlySet<string> = new Set(['background-jobs:upstream-request', 'background-jobs:chat-message-metadata'])

/** What `logHookFailure` is given. */
export interface HookFailure {
  hookName: string
  logger: Logger
  timers: TimerSet
  jobId?: string
  /** The whole line, for a failure that is logged. */
  log: () => void
  error: unknown
  /** The failure of a call whose timeout was logged or counted already (repeated-failure-log.ts). */
  again?: boolean
  /**
   * The kind it is counted under; default the error's (failure-kind.ts). A late failure (`again`)
   * gives its timeout's: it belongs to that call's count, whatever its own kind.
   */
  kind?: string
}

/** Logs one failure of a hook (a throw or no answer in time), or counts it when its hook failed just before. */
export function logHookFailure({ hookName, logger, timers, jobId, log, error, again, kind }: HookFailure): void {
  if (!REPEATED_HOOKS.has(hookName)) return log()
  logRepeatedFailure({
    key: hookName,
    kind: kind ?? failureKind(error),
    logger,
    timers,
    ...(jobId ? { jobId } : {}),
    log,
    error,
    ...(again ? { again } : {}),
    count: {
      level: 'error',
      message: (failures, otherKinds) => otherKinds
        ? `hook ${hookName} failed ${failures} more times with errors of other kinds than the ${FAILURE_KINDS_MAX} logged before (not logged one by one; the last error is shown)`
        : `hook ${hookName} failed ${failures} more times after the failure logged before (not logged one by one; the last error is shown)`,
    },
  })
}
