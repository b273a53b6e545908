/**
 * Listings (`jobPages:page`, `threads:listThreads`) send a chat's request as a listing gives it:
 * its last user message as its only message. They sent every listed job's whole request, and an
 * AI SDK chat stores its whole history in every turn's request: listing a chat of n turns (the
 * chat's history on the AI SDK messages route, `GET /api/jobs`, a thread's deletion) downloaded
 * that history n times over — only for summaries, which show the last user message.
 */
import { describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../server/lib/providers/types'
import { summarize } from '../../server/lib/job-summary'
import { createBackend, createInstance, newJob } from './backend'
import { countingQueries } from './counting-queries'

describe('convex listings and a long chat\'s history', () => {
  it('send each listed chat job with its last user message only', async () => {
    const backend = createBackend()
    const counter = { bytes: 0 }
    const { provider } = createInstance(backend, { wrap: countingQueries(counter) })
    const history: ChatMessage[] = [{ role: 'user', content: 'h'.repeat(100_000) }, { role: 'assistant', content: 'a'.repeat(100_000) }]
    for (let turn = 1; turn <= 5; turn++) {
      const messages: ChatMessage[] = [...history, { role: 'user', content: `Turn ${turn}` }, ...(turn === 5 ? [{ role: 'assistant' as const, content: 'partial' }] : [])]
      await provider.create(newJob({ id: `chat-turn-${turn}`, userId: 'u1', threadId: 'chat-1', createdAt: 1_000 + turn, request: { type: 'chat', messages, model: 'm' } }))
    }

    const listed = await provider.list({ userId: 'u1', threadId: 'chat-1' })
    expect(listed.map(record => summarize(record).prompt)).toEqual(['Turn 5', 'Turn 4', 'Turn 3', 'Turn 2', 'Turn 1'])
    const { threads } = await provider.listThreads({ userId: 'u1', limit: 10 })
    expect(threads.map(thread => [summarize(thread.first).prompt, summarize(thread.last).prompt])).toEqual([['Turn 1', 'Turn 5']])
    expect(counter.bytes).toBeLessThan(20_000)
    expect(listed[0]!.request).toEqual({ type: 'chat', messages: [{ role: 'user', content: 'Turn 5' }], model: 'm' })

    // The whole request is still there for `get` (a takeover, the app's hooks).
    const whole = await provider.get('chat-turn-3')
    expect(whole?.request.type === 'chat' && whole.request.messages.length).toBe(3)
  })
})
