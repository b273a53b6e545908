/**
 * A running tool call's progress in a job's state (`tool-progress` events, docs/tool-progress.md):
 * the latest update of a call that runs, gone once the call has its outcome or was cut off.
 */
import type { ToolProgressPayload } from './events'
import type { ToolCallOutcomeStatus, ToolCallState } from './reducer'

/** A running call's latest progress. */
export interface ToolCallProgress {
  message: string
  /** 0..1; absent when the tool did not say. */
  fraction?: number
  /** Epoch ms when it was recorded. */
  at: number
}

/** The progress a `tool-progress` event gives its call. */
export function progressOf(event: ToolProgressPayload & { at: number }): ToolCallProgress {
  return { message: event.message, ...(typeof event.fraction === 'number' ? { fraction: event.fraction } : {}), at: event.at }
}

/** A call cut off with `status` and `error` (it never got a result): no progress shown any more. */
export function cutOffCall(call: ToolCallState, status: ToolCallOutcomeStatus, error: string): ToolCallState {
  const { progress: _progress, ...rest } = call
  return { ...rest, status, error }
}
