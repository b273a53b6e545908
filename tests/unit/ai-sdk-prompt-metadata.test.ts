/**
 * The metadata a client puts on its user message (`sendMessage({ text, metadata })`) is kept with
 * the job that answers it: the messages route and a server-built history give it back as sent;
 * past 16 KiB of JSON it is a 400 naming the field. On a memory engine, through the AI SDK route's
 * own steps (server/lib/ai-sdk/prompt-metadata.ts). Over real HTTP: e2e/ai-sdk-metadata.test.ts.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { chatHistory } from '../../server/lib/ai-sdk/chat-history'
import type { ChatRequest } from '../../server/lib/ai-sdk/chat-request'
import { readChatRequest } from '../../server/lib/ai-sdk/chat-request'
import { chatTurnInput, startChatTurn } from '../../server/lib/ai-sdk/chat-turn'
import { MAX_MESSAGE_METADATA_BYTES } from '../../server/lib/ai-sdk/metadata-json'
import { serverHistoryTurn } from '../../server/lib/ai-sdk/server-history'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import { createTestEngine } from '../support/engine-harness'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const event = { context: {}, node: { req: { headers: {} } } } as unknown as H3Event

function setup() {
  const { engine, config } = createTestEngine({ runners: { chat: async () => {} } })
  const context: JobsRouteContext = { event, engine, config, userId: 'user-1', flags: { enabled: true, tools: true, workflows: true } }
  return { engine, context }
}

const user = (id: string, text: string, metadata?: unknown) => ({ id, role: 'user' as const, parts: [{ type: 'text', text }], ...(metadata === undefined ? {} : { metadata }) })
const assistant = (id: string, text: string, metadata?: unknown) => ({ id, role: 'assistant' as const, parts: [{ type: 'text', text }], ...(metadata === undefined ? {} : { metadata }) })

/** The request of a new turn, read as the route reads the body. */
function turnOf(body: unknown): ChatRequest {
  const intent = readChatRequest(body)
  if (intent.kind !== 'turn') throw new Error(`not a turn: ${intent.kind}`)
  return intent.request
}

/** Starts the job of a `{ id, messages }` body, as the route does, a second after the one before (so the newest is known). */
async function post(context: JobsRouteContext, body: unknown) {
  vi.setSystemTime(Date.now() + 1000)
  return startChatTurn(context, chatTurnInput(context, turnOf(body)))
}

/** The 400 a body gets. */
function refusal(check: () => unknown): { statusCode: number, message: string } {
  try {
    check()
  }
  catch (error) {
    return { statusCode: (error as { statusCode: number }).statusCode, message: (error as Error).message }
  }
  throw new Error('accepted')
}

const overBound = { text: 'x'.repeat(MAX_MESSAGE_METADATA_BYTES) }
const overBoundBytes = MAX_MESSAGE_METADATA_BYTES + '{"text":""}'.length

describe('user message metadata kept with the job that answers it', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }))
  afterEach(() => vi.useRealTimers())

  it('the job keeps it as sent; the messages route gives each user message its own (earlier ones as their jobs kept them)', async () => {
    const { engine, context } = setup()
    const first = { createdAt: 1764547200000, tags: ['a', { nested: true }] }
    const job = await post(context, { id: 'chat', messages: [user('u1', 'hi', first)] })
    expect(job.promptMetadata).toEqual(first)
    expect((await engine.getJob('user-1', job.id)).job.promptMetadata).toEqual(first)
    // The client posts the whole chat: only the message answered goes with the new job.
    const second = await post(context, { id: 'chat', messages: [user('u1', 'hi', { edited: 'in the client' }), assistant(job.id, 'Hello', { totalTokens: 3 }), user('u2', 'more', { createdAt: 2 })] })
    expect(second.promptMetadata).toEqual({ createdAt: 2 })
    const third = await post(context, { id: 'chat', messages: [user('u1', 'hi', first), assistant(job.id, 'Hello'), user('u2', 'more', { createdAt: 2 }), assistant(second.id, 'Sure'), user('u3', 'no metadata')] })
    expect(third).not.toHaveProperty('promptMetadata')
    const messages = await chatHistory(context, 'chat')
    expect(messages.filter(message => message.role === 'user').map(message => [message.id, message.metadata])).toEqual([['u1', first], ['u2', { createdAt: 2 }], ['u3', undefined]])
    expect(messages.find(message => message.id === 'u3')).not.toHaveProperty('metadata')
  })

  it('an edit (the same message id, new metadata) or a regenerate: the newest answer\'s job holds the message\'s metadata', async () => {
    const { context } = setup()
    await post(context, { id: 'chat', messages: [user('u1', 'hi', { version: 1 })] })
    await post(context, { id: 'chat', messages: [user('u1', 'hi again', { version: 2 })], trigger: 'submit-message', messageId: 'u1' })
    expect((await chatHistory(context, 'chat')).filter(message => message.role === 'user')).toEqual([{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'hi again' }], metadata: { version: 2 } }])
    await post(context, { id: 'chat', messages: [user('u1', 'hi again', { version: 3 })], trigger: 'regenerate-message' })
    expect((await chatHistory(context, 'chat'))[0]!.metadata).toEqual({ version: 3 })
  })

  it('a client that sends its newest message only: the history the server builds has the earlier messages\' metadata; the new one\'s goes with its job', async () => {
    const { context } = setup()
    const job = await post(context, { id: 'chat', messages: [user('u1', 'hi', { createdAt: 1 })] })
    const turn = await serverHistoryTurn(context, turnOf({ id: 'chat', message: user('u2', 'more', { createdAt: 2 }) }))
    expect(turn.request.messages.map(message => [message.id, message.metadata])).toEqual([['u1', { createdAt: 1 }], [job.id, undefined], ['u2', { createdAt: 2 }]])
    expect(turn.input.request).toMatchObject({ promptMetadata: { createdAt: 2 } })
  })

  it('past 16 KiB of JSON: a 400 naming the field (`message.metadata` for a newest-message body); 16 KiB exactly is kept; an earlier message\'s is not checked', async () => {
    const { context } = setup()
    const tooLarge = `is ${overBoundBytes} bytes of JSON, over the ${MAX_MESSAGE_METADATA_BYTES} allowed`
    expect(refusal(() => chatTurnInput(context, turnOf({ id: 'chat', messages: [user('u1', 'hi'), assistant('a1', 'Hello'), user('u2', 'more', overBound)] }))))
      .toEqual({ statusCode: 400, message: expect.stringMatching(new RegExp(`^messages\\.2\\.metadata: ${tooLarge}`)) })
    await expect(serverHistoryTurn(context, turnOf({ id: 'chat', message: user('u2', 'more', overBound) })))
      .rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(new RegExp(`^message\\.metadata: ${tooLarge}`)) })
    // The SDK keeps a refused message in its list: the next turn goes through, that metadata is not kept.
    const next = await post(context, { id: 'chat', messages: [user('u2', 'more', overBound), user('u3', 'again', { ok: true })] })
    expect(next.promptMetadata).toEqual({ ok: true })
    const exact = { text: 'x'.repeat(MAX_MESSAGE_METADATA_BYTES - '{"text":""}'.length) }
    expect((await post(context, { id: 'chat', messages: [user('u4', 'fits', exact)] })).promptMetadata).toEqual(exact)
  })
})
