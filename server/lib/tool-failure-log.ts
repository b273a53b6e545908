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
 *
 * A tool's refusals (a `ToolError`: its deliberate "cannot do that", an `info` line) are limited
 * the same way, apart from its failures (`logToolRefusal`): a model that asks again and again for
 * what the tool refuses wrote one line per call. Their kind is their text with numbers folded.
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

/** What `logToolRefusal` is given. */
export interface ToolRefusal {
  tool: string
  jobId: string
  /** The whole line, for a refusal that is logged. */
  log: () => void
  /** The `ToolError`'s text as its line shows it (redacted). */
  message: string
  logger: Logger
  /** The engine's timers. */
  timers: TimerSet
}

/** Logs one refusal (a `ToolError`) of a tool, or counts it when that tool refused the same way just before. */
export function logToolRefusal({ tool, jobId, log, message, logger, timers }: ToolRefusal): void {
  logRepeatedFailure({
    // Apart from the tool's failures (`tool x`): a tool name has no space.
    key: `refused by tool ${tool}`,
    kind: failureKind(message),
    logger,
    timers,
    jobId,
    log,
    error: message,
    count: {
      level: 'info',
      message: (failures, otherKinds) => otherKinds
        ? `tool "${tool}" refused ${failures} more calls with a ToolError of other texts than the ${FAILURE_KINDS_MAX} logged before; the model got each message (not logged one by one; the last message is shown)`
        : `tool "${tool}" refused ${failures} more calls with a ToolError after the refusal logged before; the model got each message (not logged one by one; the last message is shown)`,
      fields: { tool },
      last: last => ({ toolError: last }),
    },
  })
}
