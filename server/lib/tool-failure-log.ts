/**
 * How a tool's failures are logged (its `execute` threw, or its isolation worker died under the
 * call). A tool that fails at every call — the API or database it reads is down — logged one
 * warning per call of every job and buried the log. Its first failure is logged whole; the next
 * ones of that tool within a minute are counted, then one line gives their number, the last error
 * and the jobs (repeated-failure-log.ts). Each call's error still reaches the model and
 * `tool_runs_total{status="error"}`. Keyed by the tool's name: only registered tools run, so the
 * set is bounded.
 */
import type { Logger } from './logger'
import { logRepeatedFailure } from './repeated-failure-log'
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
    logger,
    timers,
    jobId,
    log,
    error,
    count: {
      level: 'warn',
      message: failures => `tool "${tool}" failed ${failures} more times after the failure logged before; the model got each error as its result (not logged one by one; the last error is shown)`,
      fields: { tool },
    },
  })
}
