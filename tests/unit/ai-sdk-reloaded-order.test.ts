/**
 * A chat reloaded from the server holds the message the SDK built live also when a round is not
 * "reasoning, then text, then tools": reasoning that came after text in one round (a model that
 * thinks again mid-answer) is a reasoning part of its own between the two text parts, named by the
 * seq that opened it; and a call that reported progress, then gave its output, keeps its last
 * `data-tool-progress` part — where its first update put it, after the round's tool parts, in the
 * order the calls first reported. Before, a reload from a snapshot (a job taken over, a log read cut
 * short) put all of a round's reasoning in one part before all of its text, and every reload (from
 * events too) dropped an ended call's progress part the live client kept.
 * The live message is the SDK's own (`Chat` over the stock transport, real routes).
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { reduceEvents } from '../../shared/reducer'
import { partsFromChunks } from '../../server/lib/ai-sdk/ui-parts'
import type { RunContext } from '../../server/lib/run-context'
import { useServedRoutes } from '../support/route-app'
import { createCutLogStore } from '../support/cut-log-store'
import { sdkMessage } from '../support/sdk-message'
import { frameOf, liveSdkMessage, storedJobChunks } from '../support/stored-job-chunks'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/**
 * Round 1: reasoning, text, reasoning again, more text, then two calls; the second reports first,
 * then the first, then the second again, and both end. Round 2: the answer.
 */
async function thinksTwice(context: RunContext): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.reasoning('Need the pages.')
  context.text('Let me look.')
  context.reasoning('Both sites, then.')
  context.text(' Crawling two sites.')
  context.emit({ type: 'step-end', step: 1, finishReason: 'tool_calls' })
  context.emit({ type: 'tool-call', id: 'c1', name: 'crawl_site', args: { site: 'a' }, step: 1 })
  context.emit({ type: 'tool-call', id: 'c2', name: 'crawl_site', args: { site: 'b' }, step: 1 })
  context.emit({ type: 'tool-progress', id: 'c2', message: 'b: 1 of 4 pages', fraction: 0.25 })
  context.emit({ type: 'tool-progress', id: 'c1', message: 'a: 1 of 2 pages', fraction: 0.5 })
  context.emit({ type: 'tool-progress', id: 'c2', message: 'b: 3 of 4 pages', fraction: 0.75 })
  context.emit({ type: 'tool-result', id: 'c1', status: 'completed', result: { pages: 2 }, durationMs: 5 })
  context.emit({ type: 'tool-result', id: 'c2', status: 'completed', result: { pages: 4 }, durationMs: 6 })
  context.emit({ type: 'step-start', step: 2 })
  context.text('Six pages in all.')
  context.emit({ type: 'step-end', step: 2, finishReason: 'stop' })
}

/** While `log.cut` is set, every catch-up is a snapshot (cut-log-store.ts). */
const log = createCutLogStore()

const app = useServedRoutes({ runners: { chat: thinksTwice as never }, wrap: log.wrap })

async function chatLive(chatId: string): Promise<UIMessage[]> {
  const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
  await chat.sendMessage({ text: 'Crawl a and b.' })
  await vi.waitFor(() => expect(chat.status).toBe('ready'))
  // Only what a part says: the SDK leaves `undefined` keys behind on updated parts.
  return JSON.parse(JSON.stringify(chat.messages))
}

async function messagesRoute(chatId: string): Promise<UIMessage[]> {
  return ((await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json()) as { messages: UIMessage[] }).messages
}

const LIVE_PARTS = ['step-start', 'reasoning', 'text', 'reasoning', 'text', 'tool-crawl_site', 'tool-crawl_site', 'data-tool-progress', 'data-tool-progress', 'step-start', 'text']

describe('a reloaded chat keeps a round\'s order and an ended call\'s progress', () => {
  it('live: reasoning between the texts, each ended call\'s last progress, in the order they first reported', async () => {
    const live = await chatLive('chat-order-live')
    expect(live[1]!.parts.map(part => part.type)).toEqual(LIVE_PARTS)
    expect(live[1]!.parts.filter(part => part.type === 'text' || part.type === 'reasoning').map(part => (part as { text: string }).text)).toEqual(['Need the pages.', 'Let me look.', 'Both sites, then.', ' Crawling two sites.', 'Six pages in all.'])
    expect(live[1]!.parts.filter(part => part.type === 'data-tool-progress').map(part => (part as { data: unknown }).data)).toEqual([
      { toolCallId: 'c2', message: 'b: 3 of 4 pages', fraction: 0.75 },
      { toolCallId: 'c1', message: 'a: 1 of 2 pages', fraction: 0.5 },
    ])
  })

  it('from the job\'s events: the messages route', async () => {
    const live = await chatLive('chat-order-events')
    // Before: no data-tool-progress parts.
    expect(await messagesRoute('chat-order-events')).toEqual(live)
  })

  it('from a snapshot (the log not held from its start): the messages route', async () => {
    const live = await chatLive('chat-order-snapshot')
    log.cut = true
    try {
      // Before: ['step-start', 'reasoning', 'text', 'tool-crawl_site', 'tool-crawl_site', 'step-start', 'text'], the reasoning in one part.
      expect(await messagesRoute('chat-order-snapshot')).toEqual(live)
    }
    finally {
      log.cut = false
    }
  })

  it('a snapshot at every point of the log, then the events after it, read back by the SDK, is the message the events give', async () => {
    await chatLive('chat-order-mapped')
    const jobId = (await messagesRoute('chat-order-mapped'))[1]!.id
    const { events, empty, map, beforeEnd } = await storedJobChunks(log.store, jobId)
    const whole = await sdkMessage(map(events.map(frameOf)))
    for (let cut = 1; cut < events.length; cut++) {
      const snapshot = reduceEvents(empty(), events.slice(0, cut))
      const chunks = map([{ event: 'snapshot', id: snapshot.seq, data: snapshot }, ...events.slice(cut).map(frameOf)])
      const read = await sdkMessage(chunks)
      expect({ cut, parts: read.parts }).toEqual({ cut, parts: whole.parts })
      expect(partsFromChunks(chunks)).toEqual(read.parts)
    }
    // The stream as the SDK reads it live, chunk by chunk.
    expect(await liveSdkMessage(beforeEnd())).toEqual(whole)
  })
})
