/**
 * `threads:listThreads` returns each job once: a thread's only job is its first, its last and
 * active, and was sent three times with its request (up to 1 MB), though the page's byte budget
 * counted it once.
 */
import { describe, expect, it } from 'vitest'
import { createBackend, createInstance, newJob } from './backend'
import { countingQueries } from './counting-queries'

describe('convex listThreads result size', () => {
  it('sends a job that is a thread\'s first, last and active job once', async () => {
    const backend = createBackend()
    const counter = { bytes: 0 }
    const { provider } = createInstance(backend, { wrap: countingQueries(counter, 'threads:listThreads') })
    const history = 'h'.repeat(300_000)
    const { record: only } = await provider.create(newJob({ threadId: 'one-turn', request: { type: 'chat', messages: [{ role: 'user', content: history }] } }))
    const first = await provider.create(newJob({ threadId: 'two-turns', createdAt: 50_000 }))
    const last = await provider.create(newJob({ threadId: 'two-turns', createdAt: 50_001 }))

    const { threads } = await provider.listThreads({ userId: only.userId, limit: 10 })
    expect(threads.map(thread => [thread.threadId, thread.first.id, thread.last.id, thread.active.map(record => record.id)])).toEqual([
      ['two-turns', first.record.id, last.record.id, [first.record.id, last.record.id]],
      ['one-turn', only.id, only.id, [only.id]],
    ])
    expect(threads[1]!.first.request).toEqual(only.request)
    expect(threads[1]!.active[0]).toEqual(threads[1]!.first)
    // The request once, not three times.
    expect(counter.bytes).toBeLessThan(1.5 * history.length)
  })
})
