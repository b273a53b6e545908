/**
 * The `convex` provider stores a job's request in one document, at most 1,000,000 bytes. An AI SDK
 * chat grows past that: its client posts up to `limits.maxChatBodyBytes` (4 MiB), or only its
 * newest message with the history taken from the chat's jobs (server/lib/ai-sdk/server-history.ts).
 * Its oldest turns give way, as they do past `limits.maxMessages`, so a long chat keeps working.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { readChatRequest } from '../../server/lib/ai-sdk/chat-request'
import { startChatTurn } from '../../server/lib/ai-sdk/chat-turn'
import { serverHistoryTurn } from '../../server/lib/ai-sdk/server-history'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import { MAX_REQUEST_BYTES } from '../../convex/limits'
import { chatTurnInput } from '../../server/lib/ai-sdk/chat-turn'
import { createTestEngine } from '../support/engine-harness'
import { createBackend, createInstance } from './backend'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const event = { context: {}, node: { req: { headers: {} } } } as unknown as H3Event

/** An engine over a convex provider, and a route context for its user. */
function setup() {
  const { provider } = createInstance(createBackend())
  // Longer messages than the default (100,000 characters), so a few turns pass what one request holds.
  const { engine, config } = createTestEngine({ config: { limits: { maxMessageChars: 400_000 } }, runners: { chat: async () => {} }, wrap: () => provider })
  const context: JobsRouteContext = { event, engine, config, userId: 'user-1', flags: { enabled: true, tools: true, workflows: true } }
  return { provider, engine, context }
}

/** The messages of a stored job's request, and the request's size as stored. */
async function storedRequest(provider: ReturnType<typeof setup>['provider'], id: string) {
  const request = (await provider.get(id))!.request as ChatJobRequest
  return { messages: request.messages, bytes: Buffer.byteLength(JSON.stringify(request)) }
}

const text = (id: string, role: 'user' | 'assistant', body: string) => ({ id, role, parts: [{ type: 'text', text: body }] })

describe('a long chat on convex', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }))
  afterEach(() => vi.useRealTimers())

  it('with a server-built history: every turn is stored, the oldest turns give way, at a user message', async () => {
    const { provider, engine, context } = setup()
    const ids: string[] = []
    // Each turn's body is about 390 KB; the third turn's history and message are more than one
    // stored request may hold.
    for (let turn = 1; turn <= 3; turn++) {
      vi.setSystemTime(Date.now() + 1_000)
      const intent = readChatRequest({ id: 'chat', message: { id: `u${turn}`, role: 'user', parts: [{ type: 'text', text: `${turn} ${'x'.repeat(390_000)}` }] } })
      if (intent.kind !== 'turn') throw new Error(`not a turn: ${intent.kind}`)
      const { input } = await serverHistoryTurn(context, intent.request)
      ids.push((await startChatTurn(context, input)).id)
    }

    const { messages, bytes } = await storedRequest(provider, ids.at(-1)!)
    expect(messages.at(-1)).toMatchObject({ role: 'user', content: `3 ${'x'.repeat(390_000)}` })
    expect(messages[0]!.role).toBe('user')
    expect(messages.map(message => message.content?.slice(0, 2))).toEqual(['2 ', '3 '])
    expect(bytes).toBeLessThanOrEqual(MAX_REQUEST_BYTES)
    await engine.dispose()
  })

  it('posted whole, under the chat body limit but over what one request may hold: stored with its newest turns', async () => {
    const { provider, engine, context } = setup()
    // 1.2 MB of text in twelve turns, under limits.maxChatBodyBytes (4 MiB).
    const messages = Array.from({ length: 12 }, (_, turn) => [text(`u${turn}`, 'user', `q${turn}`), text(`a${turn}`, 'assistant', 'y'.repeat(99_000))]).flat()
    messages.push(text('u12', 'user', 'and now?'))
    const intent = readChatRequest({ id: 'chat', messages })
    if (intent.kind !== 'turn') throw new Error(`not a turn: ${intent.kind}`)

    const job = await startChatTurn(context, chatTurnInput(context, intent.request))

    const stored = await storedRequest(provider, job.id)
    expect(stored.messages.map(message => message.role === 'user' ? message.content : message.content?.length)).toEqual([...[3, 4, 5, 6, 7, 8, 9, 10, 11].flatMap(turn => [`q${turn}`, 99_000]), 'and now?'])
    expect(stored.bytes).toBeLessThanOrEqual(MAX_REQUEST_BYTES)
    await engine.dispose()
  })
})
