/**
 * What an isolated call's end means for its caller (tool-pool.ts): the worker's answer made into
 * the call's result or the tool's own error, and a worker's failure (a signal, the heap cap, a full
 * queue, an exit) made into the `ToolCallError` the model reads.
 */
import { ToolCallError, ToolNotRunError, ToolTimeoutError } from '../executor/tool-errors'
import type { ToolResultJson } from '../executor/tool-result-json'
import { toolResultFromJson } from '../executor/tool-result-json'
import type { Logger } from '../logger'
import { useMetrics } from '../metrics'
import { IsolatedSchemaThrewError, IsolationQueueFullError, leftoverTimerOf, ToolHeapLimitError, ToolWorkerExitedError } from './errors'
import type { IsolatedArgumentsCheck, IsolatedToolAnswer, IsolatedToolTask } from './protocol'
import { deserializeError } from './protocol'

/** One call to run isolated. */
export type IsolatedCall = Omit<IsolatedToolTask, 'file' | 'faultChannel' | 'answerChannel' | 'callId' | 'startGate'>

/** tinypool's refusals when its queue is full (they have no error code). */
const QUEUE_FULL_MESSAGES = new Set(['Task queue is at limit', 'No task queue available and all Workers are busy'])

/** The pool's settings a fault's message names. */
type FaultSettings = { heapMb: number, maxQueue: number }

/**
 * The error a call ends with when its task failed. `began`: a worker started the call (a queued
 * one is only taken out of the queue: no worker stopped). `leftoversOf`: tools whose earlier calls
 * left timers running in that worker.
 */
export function callFault(call: IsolatedCall, error: unknown, signal: AbortSignal, began: boolean, settings: FaultSettings, leftoversOf: readonly string[] = []): unknown {
  if (signal.aborted) {
    if (began) useMetrics().increment('isolated_calls_stopped_total', { reason: 'signal' })
    return signal.reason
  }
  if ((error as { code?: unknown })?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    useMetrics().increment('isolated_calls_stopped_total', { reason: 'heap' })
    return new ToolHeapLimitError(call.name, settings.heapMb, leftoversOf)
  }
  if (QUEUE_FULL_MESSAGES.has((error as Error)?.message)) return new IsolationQueueFullError(call.name, settings.maxQueue)
  useMetrics().increment('isolated_calls_stopped_total', { reason: 'exit' })
  return new ToolWorkerExitedError(call.name, error)
}

/**
 * Says that a worker died after its call answered, naming the tool and the job (it took no call
 * with it), and `leftoverOf`, the tool whose leftover timer, of an earlier call, was running then.
 */
export function logDiedAfterAnswer(logger: Logger, call: IsolatedCall, error: unknown, heapMb: number, leftoverOf: string | undefined): void {
  const during = leftoverOf ? `, while ${leftoverTimerOf(leftoverOf)} ran` : ''
  const what = (error as { code?: unknown })?.code === 'ERR_WORKER_OUT_OF_MEMORY'
    ? `used more memory than its heap limit of ${heapMb} MB (isolation.heapMb) after its call answered${during}`
    : `stopped its isolation worker after its call answered${during} (${error instanceof Error ? error.message : String(error)})`
  logger.warn(`isolated tool "${call.name}" ${what}; its worker died (its answer was used; a new worker takes the next call)`, { tool: call.name, jobId: call.context.jobId, ...(leftoverOf ? { leftoverOf } : {}) })
}

/** The call's result, or the error it throws, from its worker's answer. */
export function resultOfAnswer(call: IsolatedCall, answer: IsolatedToolAnswer): ToolResultJson {
  if (answer.ok) {
    // Too large to be used whole (tool-runner.ts): kept as text, never parsed here.
    if (answer.bytes !== undefined) return { result: null, json: answer.json, cutBytes: answer.bytes }
    const read = toolResultFromJson(answer.json)
    // A check task's exact value came beside its JSON (protocol.ts).
    if (answer.exact) (read.result as IsolatedArgumentsCheck).exact = answer.exact
    return read
  }
  if (answer.kind === 'timeout') throw new ToolTimeoutError(call.name, call.timeoutMs)
  // The schema's own throw keeps its cause: the server logs it (execute-tool.ts).
  if (answer.kind === 'tool-error' && answer.error.name === 'ToolSchemaThrewError') throw new IsolatedSchemaThrewError(call.name, answer.error.message, answer.error.cause ? deserializeError(answer.error.cause) : undefined)
  if (answer.kind === 'tool-error') throw answer.notRun ? new ToolNotRunError(call.name, answer.error.message) : new ToolCallError(call.name, answer.error.message)
  throw deserializeError(answer.error)
}
