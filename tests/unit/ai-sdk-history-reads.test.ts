/**
 * The messages route with the app's message metadata hook reads the store as often as without
 * it: the hook gets each job's record from the listing that found the chat's jobs, not from a
 * second read per assistant message. On a memory engine with a provider that counts its calls.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { chatHistory } from '../../server/lib/ai-sdk/chat-history'
import { readChatRequest } from '../../server/lib/ai-sdk/chat-request'
import { chatTurnInput, startChatTurn } from '../../server/lib/ai-sdk/chat-turn'
import type { ChatMessageMetadataContext } from '../../server/lib/hooks'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import type { JobProvider } from '../../server/lib/providers/types'
import { createTestEngine } from '../support/engine-harness'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const event = { context: {}, node: { req: { headers: {} } } } as unknown as H3Event

/** Wraps a provider so every call is counted by method name. */
function counting(provider: JobProvider, calls: Map<string, number>): JobProvider {
  return new Proxy(provider, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver)
      if (typeof value !== 'function' || typeof name !== 'string') return value
      return (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1)
        return value.apply(target, args)
      }
    },
  })
}

function setup() {
  const calls = new Map<string, number>()
  let listening = false
  const asked: ChatMessageMetadataContext[] = []
  const { engine, config } = createTestEngine({
    runners: { chat: async () => {} },
    wrap: provider => counting(provider, calls),
    hooks: {
      chatMessageMetadata: (context) => {
        asked.push(context)
        context.metadata = { part: context.part, prompt: context.job.request.type === 'chat' ? context.job.request.messages.at(-1)?.content : null }
      },
      isListening: () => listening,
    },
  })
  const context: JobsRouteContext = { event, engine, config, userId: 'user-1', flags: { enabled: true, tools: true, workflows: true } }
  return { engine, context, calls, asked, listen: (on: boolean) => listening = on }
}

/** Starts the job of a chat turn as the AI SDK route does, a second after the one before. */
async function post(context: JobsRouteContext, messageId: string, text: string) {
  vi.setSystemTime(Date.now() + 1000)
  const intent = readChatRequest({ id: 'chat', messages: [{ id: messageId, role: 'user', parts: [{ type: 'text', text }] }] })
  if (intent.kind !== 'turn') throw new Error(`not a turn: ${intent.kind}`)
  return startChatTurn(context, chatTurnInput(context, intent.request))
}

describe('the messages route with a metadata hook', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }))
  afterEach(() => vi.useRealTimers())

  it('reads no job record per assistant message beyond what the history reads without the hook', async () => {
    const { engine, context, calls, asked, listen } = setup()
    for (const [id, text] of [['u1', 'first'], ['u2', 'second'], ['u3', 'third']] as const) {
      const job = await post(context, id, text)
      await vi.waitFor(async () => expect((await engine.getJob('user-1', job.id)).job.status).toBe('completed'))
    }

    calls.clear()
    const plain = await chatHistory(context, 'chat', { metadata: true })
    const readsWithoutHook = new Map(calls)
    expect(asked).toHaveLength(0)

    listen(true)
    calls.clear()
    const withMetadata = await chatHistory(context, 'chat', { metadata: true })
    expect(new Map(calls)).toEqual(readsWithoutHook)

    // The hook still got each job's whole record (its request), start and finish of each answer.
    const askedFor = asked.map(each => `${each.job.request.type === 'chat' ? each.job.request.messages.at(-1)?.content : null} ${each.part}`)
    expect(askedFor.sort()).toEqual(['first finish', 'first start', 'second finish', 'second start', 'third finish', 'third start'])
    const assistants = withMetadata.filter(message => message.role === 'assistant')
    expect(assistants.map(message => message.metadata)).toEqual([{ part: 'finish', prompt: 'first' }, { part: 'finish', prompt: 'second' }, { part: 'finish', prompt: 'third' }])
    // Without the hook, the same messages and no metadata.
    expect(plain.map(message => message.id)).toEqual(withMetadata.map(message => message.id))
    expect(plain.filter(message => message.role === 'assistant').every(message => !('metadata' in message))).toBe(true)
  })
})
