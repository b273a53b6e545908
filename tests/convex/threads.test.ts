/**
 * The Convex `threads` table beyond the contract: the paged backfill that gives jobs stored
 * before the table existed their thread rows, and a page that ends early (with `next`) when the
 * records it returns, each with its request, pass one query's byte budget.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { internal } from '../../convex/_generated/api'
import type { ThreadCursor } from '../../server/lib/providers/types'
import { createBackend, createInstance, newJob } from './backend'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('convex threads', () => {
  it('backfillThreads gives every stored thread its row, a page per mutation, and running it again changes nothing', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const threadIds = ['alpha', 'beta', 'gamma', null, 'alpha', 'beta', 'alpha']
    const jobs = []
    for (const [index, threadId] of threadIds.entries()) {
      const job = newJob({ threadId, createdAt: 10_000 + index })
      await provider.create(job)
      jobs.push(job)
    }
    // As before the table existed: no thread rows.
    await backend.run(async (ctx) => {
      for (const row of await ctx.db.query('threads').collect()) await ctx.db.delete(row._id)
    })
    expect((await provider.listThreads({ userId: 'user-1', limit: 10 })).threads).toEqual([])

    expect(await backend.mutation(internal.threads.backfillThreads, { pageSize: 2 })).toEqual({ indexed: 2, done: false })
    await backend.finishAllScheduledFunctions(vi.runAllTimers)
    const listed = async () => (await provider.listThreads({ userId: 'user-1', limit: 10 })).threads.map(thread => [thread.threadId, thread.first.id, thread.last.id])
    const expected = [['alpha', jobs[0]!.id, jobs[6]!.id], ['beta', jobs[1]!.id, jobs[5]!.id], ['gamma', jobs[2]!.id, jobs[2]!.id]]
    expect(await listed()).toEqual(expected)
    const rows = async () => (await backend.run(ctx => ctx.db.query('threads').collect())).map(({ threadId, newestAt }) => [threadId, newestAt]).sort()
    expect(await rows()).toEqual([['alpha', 10_006], ['beta', 10_005], ['gamma', 10_002]])

    expect(await backend.mutation(internal.threads.backfillThreads, {})).toEqual({ indexed: 6, done: true })
    expect(await rows()).toEqual([['alpha', 10_006], ['beta', 10_005], ['gamma', 10_002]])
    expect(await listed()).toEqual(expected)
  })

  it('ends a page early at the byte budget, and the next page goes on from there without skip or repeat', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    // Six threads of one job each, every request ~900 KB: a page's records pass 4 MB after two threads.
    const big = 'x'.repeat(900_000)
    for (let index = 0; index < 6; index++) {
      await provider.create(newJob({ threadId: `big-${index}`, createdAt: 20_000 + index, request: { type: 'chat', messages: [{ role: 'user', content: big }] } }))
    }
    const pages: string[][] = []
    let before: ThreadCursor | null = null
    for (let read = 0; read < 10; read++) {
      const page: Awaited<ReturnType<typeof provider.listThreads>> = await provider.listThreads({ userId: 'user-1', limit: 10, before })
      pages.push(page.threads.map(thread => thread.threadId))
      before = page.next
      if (!before) break
    }
    expect(pages.length).toBeGreaterThan(1)
    expect(pages.every(page => page.length >= 1 && page.length < 6)).toBe(true)
    expect(pages.flat()).toEqual(['big-5', 'big-4', 'big-3', 'big-2', 'big-1', 'big-0'])
  })
})
