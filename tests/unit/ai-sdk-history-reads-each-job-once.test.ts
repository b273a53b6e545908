/**
 * The messages route reads a chat's jobs newest first, a window at a time, widening until it has
 * them all (an older job places the newer ones: chat-history.ts). Each wider read started again
 * from the newest job, so the newest were read up to four times — for a 1,000-job chat on Redis
 * about 0.4 MB of a 1.8 MB read was the same records again. Each job is read once now. On a memory
 * engine whose provider counts the records its `list` returns.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { chatHistory } from '../../server/lib/ai-sdk/chat-history'
import { readChatRequest } from '../../server/lib/ai-sdk/chat-request'
import { chatTurnInput, startChatTurn } from '../../server/lib/ai-sdk/chat-turn'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import type { JobProvider } from '../../server/lib/providers/types'
import { createTestEngine } from '../support/engine-harness'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const event = { context: {}, node: { req: { headers: {} } } } as unknown as H3Event

/** The ids of every record `list` returned, one entry per time it was returned; `calls` counts the lists. */
function countingList(provider: JobProvider, returned: string[], calls: { lists: number }): JobProvider {
  return new Proxy(provider, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver)
      if (name !== 'list' || typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        calls.lists++
        const records = await value.apply(target, args) as Array<{ id: string }>
        returned.push(...records.map(record => record.id))
        return records
      }
    },
  })
}

describe('the messages route of a long chat', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }))
  afterEach(() => vi.useRealTimers())

  it('reads each of the chat\'s jobs once while it widens its read', async () => {
    const returned: string[] = []
    const calls = { lists: 0 }
    // Two turns a window at first (maxMessages 4), so 40 jobs take four widening reads.
    const { engine, config } = createTestEngine({ runners: { chat: async () => {} }, config: { limits: { maxMessages: 4 } }, wrap: provider => countingList(provider, returned, calls) })
    const context: JobsRouteContext = { event, engine, config, userId: 'user-1', flags: { enabled: true, tools: true, workflows: true } }
    const ids: string[] = []
    for (let index = 0; index < 40; index++) {
      vi.setSystemTime(Date.now() + 1000)
      const intent = readChatRequest({ id: 'chat', messages: [{ id: `u${index}`, role: 'user', parts: [{ type: 'text', text: `message ${index}` }] }] })
      if (intent.kind !== 'turn') throw new Error(`not a turn: ${intent.kind}`)
      ids.push((await startChatTurn(context, chatTurnInput(context, intent.request))).id)
    }
    await vi.waitFor(async () => expect((await engine.listJobs('user-1', { threadId: 'chat', status: ['queued', 'running', 'waiting'] }))).toEqual([]))

    returned.length = 0
    calls.lists = 0
    const messages = await chatHistory(context, 'chat')
    // The newest two turns (maxMessages 4), placed after reading all 40 jobs.
    expect(messages.filter(message => message.role === 'assistant').map(message => message.id)).toEqual(ids.slice(-2))
    const timesRead = new Map<string, number>()
    for (const id of returned) timesRead.set(id, (timesRead.get(id) ?? 0) + 1)
    expect(new Set(timesRead.keys())).toEqual(new Set(ids))
    // A page reads one job past its end to tell whether older ones exist (job-page.ts): that one
    // only is read again, by the next page. Before: 85 records for the 40 jobs, in 4 reads.
    expect(returned.length - ids.length).toBeLessThan(calls.lists)
  })
})
