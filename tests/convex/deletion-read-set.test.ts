/**
 * Deleting a finished job of a thread (retention, or a user's deletion) must not read the thread's
 * newest job when that job is not the one deleted: in a chat that outlives the retention period,
 * the newest job is usually the turn streaming now, whose document every append patches (about
 * twice a second), and a mutation that read it conflicts with each of those appends — Convex
 * re-runs it (a whole retention batch, up to 2,000 rows) and fails it after a few conflicts.
 * These tests run the handlers on a database that records every document its queries return.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { deleteExpired } from '../../convex/cleanup'
import { deleteJob } from '../../convex/deletion'
import { createBackend, createInstance, endEvent, newJob, statusEvent, TEST_SECRET, textDeltas, type Backend } from './backend'

type AnyObject = Record<PropertyKey, unknown>

/** Records every document in `value` (one, or an array) whose table is `jobs`. */
function recordDocs(value: unknown, read: Set<string>) {
  for (const doc of Array.isArray(value) ? value : [value]) {
    if (doc && typeof doc === 'object' && 'jobId' in doc && 'lastSeq' in doc) read.add((doc as { jobId: string }).jobId)
  }
}

/** A query (or builder) whose every result is recorded: awaited documents and iterated ones. */
function recordingQuery(query: AnyObject, read: Set<string>): AnyObject {
  return new Proxy(query, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown
      if (property === Symbol.asyncIterator) {
        return () => {
          const iterator = (value as () => AsyncIterator<unknown>).call(target)
          return {
            next: async () => {
              const step = await iterator.next()
              if (!step.done) recordDocs(step.value, read)
              return step
            },
            return: async () => (await iterator.return?.()) ?? { done: true, value: undefined },
            [Symbol.asyncIterator]() { return this },
          }
        }
      }
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args)
        if (result instanceof Promise) return result.then((resolved) => { recordDocs(resolved, read); return resolved })
        return result && typeof result === 'object' ? recordingQuery(result as AnyObject, read) : result
      }
    },
  })
}

/** Runs a registered function's handler on a database recording the job documents it reads. */
async function jobsReadBy(backend: Backend, registered: unknown, args: Record<string, unknown>): Promise<Set<string>> {
  const handler = (registered as { _handler: (ctx: unknown, args: unknown) => Promise<unknown> })._handler
  const read = new Set<string>()
  await backend.run(async (ctx) => {
    const db = new Proxy(ctx.db as unknown as AnyObject, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown
        if (property === 'query') return (table: string) => recordingQuery((value as (t: string) => AnyObject).call(target, table), read)
        if (property === 'get') return async (id: string) => { const doc = await (value as (i: string) => Promise<unknown>).call(target, id); recordDocs(doc, read); return doc }
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value
      },
    })
    return await handler({ ...ctx, db }, args)
  })
  return read
}

/** A thread whose first turn ended long ago and whose second turn is streaming now. */
async function threadWithStreamingTurn(backend: Backend) {
  const { provider } = createInstance(backend)
  const old = newJob({ threadId: 'chat', createdAt: 1_000 })
  const streaming = newJob({ threadId: 'chat', createdAt: 5_000_000 })
  await provider.create(old)
  await provider.appendEvents(old.id, [endEvent(1, 'completed', 1_000)], { epoch: 1 })
  await provider.create(streaming)
  await provider.appendEvents(streaming.id, [statusEvent(1, 'running'), ...textDeltas(2, ['Hel', 'lo'])], { epoch: 1 })
  return { provider, old, streaming }
}

describe('deleting an old job of a thread', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(10_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('deletion:deleteJob does not read the thread\'s streaming turn, and the thread still lists it', async () => {
    const backend = createBackend()
    const { provider, old, streaming } = await threadWithStreamingTurn(backend)

    const read = await jobsReadBy(backend, deleteJob, { jobId: old.id, secret: TEST_SECRET })

    expect([...read]).toEqual([old.id])
    expect(await provider.get(old.id)).toBeNull()
    const { threads } = await provider.listThreads!({ userId: old.userId, limit: 10 })
    expect(threads.map(thread => [thread.threadId, thread.first.id, thread.last.id])).toEqual([['chat', streaming.id, streaming.id]])
  })

  it('retention does not read it either', async () => {
    const backend = createBackend()
    const { provider, old, streaming } = await threadWithStreamingTurn(backend)

    const read = await jobsReadBy(backend, deleteExpired, { endedBefore: 5_000 })

    expect([...read]).toEqual([old.id])
    expect(await provider.get(old.id)).toBeNull()
    const { threads } = await provider.listThreads!({ userId: old.userId, limit: 10 })
    expect(threads.map(thread => [thread.threadId, thread.first.id, thread.last.id])).toEqual([['chat', streaming.id, streaming.id]])
  })

  it('deleting the newest job still moves the thread to the newest one left, or deletes it with the last', async () => {
    const backend = createBackend()
    const { provider, old, streaming } = await threadWithStreamingTurn(backend)
    await provider.appendEvents(streaming.id, [endEvent(4, 'completed', 2_000)], { epoch: 1 })
    const rows = () => backend.run(async ctx => (await ctx.db.query('threads').collect()).map(row => [row.threadId, row.newestAt]))

    expect(await provider.deleteJob(streaming.id)).toBe('deleted')
    expect(await rows()).toEqual([['chat', 1_000]])
    expect(await provider.deleteJob(old.id)).toBe('deleted')
    expect(await rows()).toEqual([])
  })
})
