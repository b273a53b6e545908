/**
 * Runs one whole SSE body through the chat-completions stream parser and keeps what came out: its
 * events and the error it ended with (if any). Shared by model-finish-insufficient-resource and
 * model-finish-reason-error.
 */
import { parseChatCompletionStream } from '../../server/lib/model/parse-stream'
import type { ModelEvent } from '../../server/lib/model/types'

/** The events `body` parses to, and the error the parse threw (`undefined` if none). */
export async function parseBody(body: string) {
  const events: ModelEvent[] = []
  let error: unknown
  try {
    const bytes = (async function* () {
      yield new TextEncoder().encode(body)
    })()
    for await (const event of parseChatCompletionStream(bytes)) events.push(event)
  }
  catch (caught) {
    error = caught
  }
  return { events, error }
}
