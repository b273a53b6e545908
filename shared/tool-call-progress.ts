/**
 * A tool call's progress in a job's state (`tool-progress` events, docs/tool-progress.md): the
 * latest update of the call, kept once it has its outcome or was cut off — an AI SDK message keeps
 * its `data-tool-progress` part after the call ended, and a reload must hold the same (decision 43).
 */
import type { ToolProgressPayload } from './events'
import type { ToolCallOutcomeStatus, ToolCallState } from './reducer'

/** A call's latest progress. */
export interface ToolCallProgress {
  message: string
  /** 0..1; absent when the tool did not say. */
  fraction?: number
  /** Epoch ms when it was recorded. */
  at: number
  /**
   * The seq of the call's first update: where its AI SDK data part sits among the other calls'
   * (the order they first reported). Absent in a state reduced before it was kept.
   */
  since?: number
}

/** The progress a `tool-progress` event gives its call (`previous`: the call's until then). */
export function progressOf(event: ToolProgressPayload & { at: number, seq: number }, previous?: ToolCallProgress): ToolCallProgress {
  return { message: event.message, ...(typeof event.fraction === 'number' ? { fraction: event.fraction } : {}), at: event.at, since: previous ? previous.since ?? event.seq : event.seq }
}

/** A call cut off with `status` and `error` (it never got a result); its last progress stays. */
export function cutOffCall(call: ToolCallState, status: ToolCallOutcomeStatus, error: string): ToolCallState {
  return { ...call, status, error }
}
