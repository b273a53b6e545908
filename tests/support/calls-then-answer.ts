/**
 * The model of the client-tool route tests: a user message is answered with tool calls (one round,
 * `finishReason: 'tool_calls'`), and the round after their results with text. Each request is kept
 * in `requests` (the file's own array, which a test may empty).
 */
import type { ModelClient, ModelRequest, ModelToolCall } from '../../server/lib/model/types'

/** `get_location`, the browser's tool of these tests. */
export const LOCATION_CALL: ModelToolCall = { id: 'call_loc', name: 'get_location', arguments: '{}' }

export function callsThenAnswer(
  requests: ModelRequest[],
  calls: (request: ModelRequest) => ModelToolCall[],
  answer: (request: ModelRequest) => string | Promise<string>,
): ModelClient {
  return {
    scripted: false,
    async* stream(request) {
      requests.push(request)
      if (request.messages.at(-1)!.role === 'user') {
        for (const call of calls(request)) yield { type: 'tool-call', call }
        yield { type: 'finish', finishReason: 'tool_calls' }
        return
      }
      yield { type: 'text-delta', text: await answer(request) }
      yield { type: 'finish', finishReason: 'stop' }
    },
  }
}
