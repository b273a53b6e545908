/**
 * The model of the client-tool route tests: a user message is answered with tool calls (one round,
 * `finishReason: 'tool_calls'`), and the round after their results with text. Each request is kept
 * in `requests` (the file's own array, which a test may empty).
 */
import { z } from 'zod'
import type { ModelClient, ModelRequest, ModelToolCall } from '../../server/lib/model/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import type { ToolRegistry } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'

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

/** `get_time`, the server tool beside it. */
export const TIME_CALL: ModelToolCall = { id: 'call_time', name: 'get_time', arguments: '{}' }

/**
 * The model that calls `get_location` (the browser's) and `get_time` (the server's), then, once
 * `held()` settles, says what the location tool said: `Location tool said <its tool message>`.
 */
export function locationAndTime(requests: ModelRequest[], held: () => Promise<void>): ModelClient {
  return callsThenAnswer(requests, () => [LOCATION_CALL, TIME_CALL], async (request) => {
    await held()
    return `Location tool said ${request.messages.find(message => message.role === 'tool' && message.tool_call_id === LOCATION_CALL.id)!.content}`
  })
}

/** Its tools: `get_location` (`runtime: 'client'`, no `execute`, as an AI SDK app declares it) and `get_time` (`12:00`). */
export function locationAndTimeTools(): ToolRegistry {
  return createToolRegistry([
    defineTool({ name: 'get_location', description: 'Where the browser is', parameters: z.object({}), runtime: 'client' }),
    defineTool({ name: 'get_time', description: 'The time', parameters: z.object({}), execute: () => '12:00' }),
  ])
}
