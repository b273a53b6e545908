/**
 * Why an isolated call did not produce a result, beyond what in-process tools can hit. Like every
 * tool failure these become `tool-result` events with status `error` and a message for the model;
 * none of them ends the job. (Time limits and aborts end as for in-process tools.)
 */
import { describeFailureCause, ToolCallError, ToolNotRunError, ToolTimeoutError } from '../executor/tool-errors'

/** The tool must run isolated, but this server cannot start an isolation worker for it. */
export class IsolationUnavailableError extends ToolNotRunError {
  override readonly name = 'IsolationUnavailableError'
  constructor(toolName: string, reason: string) {
    super(toolName, `Tool "${toolName}" must run in an isolation worker, but ${reason}`)
  }
}

/** Every worker is busy and the wait queue is full: the call is refused, never queued without bound. */
export class IsolationQueueFullError extends ToolNotRunError {
  override readonly name = 'IsolationQueueFullError'
  constructor(toolName: string, readonly maxQueue: number) {
    super(toolName, `Tool "${toolName}" was not run: every isolation worker is busy and ${maxQueue} calls are already waiting (isolation.maxQueue); try again later`)
  }
}

/**
 * The wait queue was full when another user's call came, and this call's user held the most of the
 * pool (running and waiting): this call, the newest of that user's waiting ones, gave its place up
 * so that one user's calls cannot keep every other user out of a full queue (waiting-calls.ts).
 */
export class IsolationQueueYieldedError extends ToolNotRunError {
  override readonly name = 'IsolationQueueYieldedError'
  constructor(toolName: string, readonly maxQueue: number) {
    super(toolName, `Tool "${toolName}" was not run: the isolation queue was full (${maxQueue} calls waiting, isolation.maxQueue) and this job's user had the most calls in it, so its place went to another user's call; try again later`)
  }
}

/**
 * The tool allocated past the worker's heap cap; the worker was stopped and replaced. With
 * `leftoversOf` (tools whose earlier calls left intervals or unref'd timers running in that
 * worker), the memory may have been theirs: V8 cannot say which code allocated it.
 */
export class ToolHeapLimitError extends ToolCallError {
  override readonly name = 'ToolHeapLimitError'
  constructor(toolName: string, readonly heapMb: number, readonly leftoversOf: readonly string[] = []) {
    super(toolName, leftoversOf.length
      ? `Tool "${toolName}" was stopped: its isolation worker used more memory than its heap limit of ${heapMb} MB (isolation.heapMb), maybe not for this call: an interval or unref'd timer that an earlier call of ${leftoversOf.map(tool => `"${tool}"`).join(', ')} left running there was still running`
      : `Tool "${toolName}" was stopped: it used more memory than its heap limit of ${heapMb} MB (isolation.heapMb)`)
  }
}

/** How a message names a timer an earlier call of `tool` left running in the worker (an interval, an unref'd timer). */
export function leftoverTimerOf(tool: string): string {
  return `an interval or timer that an earlier call of "${tool}" left running there`
}

/**
 * The tool's time limit passed while its worker ran a timer an earlier call (of `leftoverOf`) left
 * running there (an interval that blocks the thread): the call could not finish, not for its own work.
 */
export class LeftoverBlockedTimeoutError extends ToolTimeoutError {
  constructor(toolName: string, timeoutMs: number, readonly leftoverOf: string) {
    super(toolName, timeoutMs)
    this.message = `Tool "${toolName}" timed out after ${timeoutMs} ms while its isolation worker was running ${leftoverTimerOf(leftoverOf)} (not this call's own work); the worker was replaced`
  }
}

/**
 * `LeftoverBlockedTimeoutError` for a call whose worker had not called `execute` yet (it still
 * loaded the tool's file or checked the arguments): it was not run — a retry cannot do it twice —
 * and neither its file nor its schema is to blame.
 */
export class LeftoverBlockedStartError extends ToolNotRunError {
  override readonly name = 'LeftoverBlockedStartError'
  override readonly status = 'timeout' as const
  constructor(toolName: string, readonly timeoutMs: number, readonly leftoverOf: string) {
    super(toolName, `Tool "${toolName}" was not run: its time limit of ${timeoutMs} ms passed while its isolation worker was running ${leftoverTimerOf(leftoverOf)} (not this call's own work); the worker was replaced`)
  }
}

/** The worker thread died under the tool for another reason (it exited, or crashed). */
export class ToolWorkerExitedError extends ToolCallError {
  override readonly name = 'ToolWorkerExitedError'
  constructor(toolName: string, cause: unknown) {
    super(toolName, `Tool "${toolName}" stopped its isolation worker: ${describeFailureCause(cause)}`, { cause })
  }
}

/**
 * The tool's time limit passed while its worker was still checking the arguments with the tool's
 * schema (a refine, transform or regex that never returns on them): `execute` was never called.
 * Told apart from the tool timing out, so the model (and whoever reads the log) knows it never ran.
 */
export class ToolArgumentsCheckTimeoutError extends ToolNotRunError {
  override readonly name = 'ToolArgumentsCheckTimeoutError'
  override readonly status = 'timeout' as const
  constructor(toolName: string, readonly timeoutMs: number) {
    super(toolName, `Tool "${toolName}" was not run: checking its arguments with its parameters schema did not finish within its time limit of ${timeoutMs} ms (a refine, transform or regex of the schema did not return on these arguments)`)
  }
}

/**
 * The tool's time limit passed while its worker was still loading the tool's file (its top level
 * awaits something that never settles): the arguments were not checked, `execute` was never called.
 */
export class ToolFileLoadTimeoutError extends ToolNotRunError {
  override readonly name = 'ToolFileLoadTimeoutError'
  override readonly status = 'timeout' as const
  constructor(toolName: string, readonly timeoutMs: number) {
    super(toolName, `Tool "${toolName}" was not run: its file did not finish loading in the isolation worker within its time limit of ${timeoutMs} ms (its top level awaits something that did not settle)`)
  }
}

/** No worker started the call within `isolation.queueTimeoutMs`: it was not run (its time limit never started). */
export class IsolationQueueTimeoutError extends ToolNotRunError {
  override readonly name = 'IsolationQueueTimeoutError'
  constructor(toolName: string, readonly queueTimeoutMs: number) {
    super(toolName, `Tool "${toolName}" was not run: no isolation worker was free to start it within ${queueTimeoutMs} ms (isolation.queueTimeoutMs); try again later`)
  }
}

/**
 * The tool's parameters schema threw in its worker (`ToolSchemaThrewError` there): the call was not
 * run, and, as in-process, the operator gets the error (its `cause`, rebuilt from what crossed).
 */
export class IsolatedSchemaThrewError extends ToolNotRunError {
  override readonly name = 'IsolatedSchemaThrewError'
  constructor(toolName: string, message: string, cause: unknown) {
    super(toolName, message, { cause })
  }
}
