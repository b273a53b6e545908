/**
 * A chat round the provider's content filter ended (`finish_reason: "content_filter"`) before any
 * text, without calls: completed, the job would show an empty answer and no reason. It fails with
 * `upstream-content-filter` instead (earlier rounds' text is kept, as for any failure) — in the
 * loop, and when a takeover finds such a round stored as the job's last.
 */
import { JobFailure } from '../run-context'

/** True when a round that asked for no tools ended so (`text`: the round's text, or the answer so far). */
export function isFilteredAnswer(finishReason: string | null | undefined, text: string): boolean {
  return finishReason === 'content_filter' && !text.trim()
}

/** The failure of such a round. */
export function filteredAnswer(nodeId?: string): JobFailure {
  const message = 'The model provider\'s content filter stopped the answer before any text (finish_reason "content_filter")'
  return new JobFailure('upstream-content-filter', message, { failedDuring: 'model', ...(nodeId ? { nodeId } : {}) })
}
