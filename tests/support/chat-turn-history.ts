/**
 * What the model would get for an AI SDK chat post: the history of the job the chat route would
 * start for `body`, through the route's own request reading and turn building (no server). A test
 * file using it mocks `nitropack/runtime` (the route helpers import Nitro's runtime).
 */
import type { H3Event } from 'h3'
import { readChatRequest } from '../../server/lib/ai-sdk/chat-request'
import { chatTurnInput } from '../../server/lib/ai-sdk/chat-turn'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import { createTestEngine } from './engine-harness'

const event = { context: {}, node: { req: { headers: {} } } } as unknown as H3Event

function routeContext(config: BackgroundJobsConfigInput): JobsRouteContext {
  const { engine, config: resolved } = createTestEngine({ runners: { chat: async () => {} }, config })
  return { event, engine, config: resolved, userId: 'user-1', flags: { enabled: true, tools: true, workflows: true } }
}

/** The model's history of the job a post of `body` would start (throws as the route would refuse it). */
export function chatTurnHistory(body: unknown, config: BackgroundJobsConfigInput = {}): Array<{ role: string, content: string | null }> {
  const intent = readChatRequest(body)
  if (intent.kind !== 'turn') throw new Error(`not a turn: ${intent.kind}`)
  const input = chatTurnInput(routeContext(config), intent.request)
  if (input.request.type !== 'chat') throw new Error('not a chat job')
  return input.request.messages
}
