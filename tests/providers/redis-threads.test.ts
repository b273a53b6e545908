/**
 * The Redis thread index beyond the contract: `list({ threadId })` reads only that thread's jobs,
 * jobs stored before the index existed are indexed once per user, and nothing is left behind.
 */
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import type { BackfillCursor } from '../../server/lib/providers/redis-threads'
import { BACKFILL_START, backfillStep } from '../../server/lib/providers/redis-threads'
import { useRedisServer } from '../support/redis-server'
import { createEndedJob, createJob, START_MS } from './contract-fixtures'

const redis = useRedisServer()
let client: ReturnType<typeof createClient>
let prefixes = 0
const nextPrefix = () => `threads-${process.pid}-${++prefixes}:`

beforeAll(async () => {
  client = createClient({ url: redis.url })
  await client.connect()
})
afterAll(async () => {
  await client?.close()
})

/** A provider on `keyPrefix`, closed however the test ends (a failed assertion leaves no connection open). */
function threadsProvider(keyPrefix: string) {
  const provider = createRedisProvider({ url: redis.url, keyPrefix })
  onTestFinished(() => provider.dispose())
  return provider
}

/** How many times Redis ran `command` so far (INFO commandstats). */
async function calls(command: string): Promise<number> {
  const info = await client.info('commandstats')
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0)
}

/** Takes the thread index away, as an older version stored the jobs: no thread keys, no threadId field, no backfill marker. */
async function forgetThreadIndex(prefix: string): Promise<void> {
  for (const key of await client.keys(`${prefix}thread*`)) await client.del(key)
  for (const key of await client.keys(`${prefix}job:*`)) await client.hDel(key, 'threadId')
}

describe('redis thread index', () => {
  it('list({ threadId }) reads the records of that thread only, however many other jobs the user has', async () => {
    const provider = threadsProvider(nextPrefix())
    for (let index = 0; index < 250; index++) await createEndedJob(provider, START_MS + 5_000, 'completed', { threadId: `other-${index % 5}`, createdAt: START_MS + index })
    const mine = [
      await createEndedJob(provider, START_MS + 5_000, 'completed', { threadId: 'mine', createdAt: START_MS + 100 }),
      await createEndedJob(provider, START_MS + 5_000, 'completed', { threadId: 'mine', createdAt: START_MS + 300 }),
    ]
    await provider.listThreads({ userId: 'user-a', limit: 1 })
    // One HMGET of the listed fields per record (redis-records.ts).
    const before = await calls('hmget')
    expect((await provider.list({ userId: 'user-a', threadId: 'mine' })).map(job => job.id)).toEqual([mine[1]!.id, mine[0]!.id])
    expect(await calls('hmget') - before).toBe(2)
  })

  it('indexes jobs stored before the index once, from their meta, and deletes them from it', async () => {
    const prefix = nextPrefix()
    const provider = threadsProvider(prefix)
    const first = await createEndedJob(provider, START_MS + 5_000, 'completed', { threadId: 'old-thread', createdAt: START_MS + 1 })
    const second = await createEndedJob(provider, START_MS + 5_000, 'completed', { threadId: 'old-thread', createdAt: START_MS + 2 })
    await createEndedJob(provider, START_MS + 5_000, 'completed', { threadId: null, createdAt: START_MS + 3 })
    await forgetThreadIndex(prefix)
    expect(await provider.list({ userId: 'user-a', threadId: 'old-thread' })).toHaveLength(2)
    const page = await provider.listThreads({ userId: 'user-a', limit: 10 })
    expect(page.threads.map(thread => [thread.threadId, thread.first.id, thread.last.id])).toEqual([['old-thread', first.id, second.id]])

    expect(await provider.deleteJob(second.id)).toBe('deleted')
    expect((await provider.listThreads({ userId: 'user-a', limit: 10 })).threads.map(thread => thread.last.id)).toEqual([first.id])
    expect(await provider.deleteExpired(START_MS + 5_001)).toBe(2)
    expect(await provider.listThreads({ userId: 'user-a', limit: 10 })).toEqual({ threads: [], next: null })
    // Nothing is left of the index: the user has no job, so reading their threads does not mark them.
    expect((await client.keys(`${prefix}thread*`)).sort()).toEqual([])
  })

  it('indexes more jobs than one backfill call reads, by score, with ties across the page boundary', async () => {
    const prefix = nextPrefix()
    const provider = threadsProvider(prefix)
    // 230 jobs, seven at each millisecond: the 200th and 201st share one.
    for (let index = 0; index < 230; index++) await createEndedJob(provider, START_MS + 9_000, 'completed', { threadId: `thread-${index % 2}`, createdAt: START_MS + Math.floor(index / 7) })
    await forgetThreadIndex(prefix)
    expect((await provider.list({ userId: 'user-a', threadId: 'thread-0', limit: 500 })).length).toBe(115)
    expect((await provider.list({ userId: 'user-a', threadId: 'thread-1', limit: 500 })).length).toBe(115)
    expect((await provider.listThreads({ userId: 'user-a', limit: 10 })).threads.map(thread => thread.threadId).sort()).toEqual(['thread-0', 'thread-1'])
  })

  it('backfill: jobs deleted and created between two calls, in the millisecond where the first call stopped, neither hide a job nor come back', async () => {
    const prefix = nextPrefix()
    const provider = threadsProvider(prefix)
    const tieAt = START_MS + 10
    const ended = (id: string, createdAt: number) => createEndedJob(provider, START_MS + 5_000, 'completed', { id, threadId: 'old', createdAt })
    await ended('old-1', tieAt - 1)
    for (const suffix of ['a', 'b', 'c', 'd']) await ended(`tie-${suffix}`, tieAt)
    await ended('after', tieAt + 1)
    await ended('later', tieAt + 2)
    await forgetThreadIndex(prefix)
    const script = <T>(source: string, args: string[]) => client.eval(source, { arguments: [prefix, ...args] }) as Promise<T>

    // The first call reads three jobs: it stops inside the millisecond of the four ties.
    let cursor: BackfillCursor | null = await backfillStep(script, 'user-a', BACKFILL_START, 3)
    expect(cursor).not.toBeNull()
    // Meanwhile: a tie the call read goes, a job it has not read goes, and a job joins in that millisecond.
    expect(await provider.deleteJob('tie-a')).toBe('deleted')
    expect(await provider.deleteJob('later')).toBe('deleted')
    await createJob(provider, { id: 'tie-new', threadId: 'old', createdAt: tieAt })
    for (let calls = 0; cursor; calls++) {
      cursor = await backfillStep(script, 'user-a', cursor, 3)
      expect(calls).toBeLessThan(10)
    }

    const threadKey = `${prefix}thread:user-a\u0000old`
    expect((await client.zRange(threadKey, 0, -1)).sort()).toEqual(['after', 'old-1', 'tie-b', 'tie-c', 'tie-d', 'tie-new'])
    expect(await client.zScore(`${prefix}threads:user-a`, 'old')).toBe(tieAt + 1)
  })

  it('backfill: one call reads the whole millisecond it stops in, however many jobs it holds', async () => {
    const prefix = nextPrefix()
    const provider = threadsProvider(prefix)
    for (const suffix of ['e', 'a', 'd', 'b', 'c']) await createEndedJob(provider, START_MS + 5_000, 'completed', { id: `same-${suffix}`, threadId: 'burst', createdAt: START_MS + 20 })
    await createEndedJob(provider, START_MS + 5_000, 'completed', { id: 'next', threadId: 'burst', createdAt: START_MS + 21 })
    await forgetThreadIndex(prefix)
    const script = <T>(source: string, args: string[]) => client.eval(source, { arguments: [prefix, ...args] }) as Promise<T>
    const threadKey = `${prefix}thread:user-a\u0000burst`

    const cursor = await backfillStep(script, 'user-a', BACKFILL_START, 2)
    expect((await client.zRange(threadKey, 0, -1)).sort()).toEqual(['same-a', 'same-b', 'same-c', 'same-d', 'same-e'])
    expect(await backfillStep(script, 'user-a', cursor!, 2)).toBeNull()
    expect(await client.zCard(threadKey)).toBe(6)
  })
})
