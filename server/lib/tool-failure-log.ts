/**
 * How a tool's failures are logged (its `execute` threw, or its isolation worker died under the
 * call). A tool that fails at every call — the API or database it reads is down — logged one
 * warning per call of every job and buried the log. Its first failure is logged whole; the next
 * ones of that tool and kind (failure-kind.ts: the same error name, code and message but for its
 * numbers) within a minute are counted, then one line gives their number, the last error and the
 * jobs (repeated-failure-log.ts). Another kind of error of the same tool — a new bug while its API
 * is down — is logged whole too, and counted on its own. Each call's error still reaches the model
 * and `tool_runs_total{status="error"}`. Keyed by the tool's name: only registered tools run, and
 * the kinds per tool are bounded (`FAILURE_KINDS_MAX`), so the set is bounded.
 */
import type { Logger } from './logger'
import { failureKind } from './failure-kind'
import { FAILURE_KINDS_MAX, logRepeatedFailure } from './repeated-failure-log'
import type { TimerSet } from './timers'

/** What `logToolFailure` is given. */
export interface ToolFailure {
  tool: string
  jobId: string
  /** The whole line, for a failure that is logged. */
  log: () => void
  error: unknown
  logger: Logger
  /** The engine's timers. */
  timers: TimerSet
}

/** Logs one failure of a tool, or counts it when that tool failed just before. */
export function logToolFailure({ tool, jobId, log, error, logger, timers }: ToolFailure): void {
  logRepeatedFailure({
    key: `tool ${tool}`,
    kind: failureKind(error),
    logger,
    timers,
    jobId,
    log,
    error,
    count: {
      level: 'warn',
      message: (failures, otherKinds) => otherKinds
        ? `tool "${tool}" failed ${failures} more times with errors of other kinds than the ${FAILURE_KINDS_MAX} logged before; the model got each error as its result (not logged one by one; the last error is shown)`
        : `tool "${tool}" failed ${failures} more times after the failure logged before; the model got each error as its result (not logged one by one; the last error is shown)`,
      fields: { tool },
    },
  })
}
