/**
 * `listThreads` on Redis reads a thread's first and last job ids, then the jobs. When one of them
 * was deleted in between (a user deleting an old turn of a conversation while a tab lists its
 * threads), the read job was gone and the whole thread left the page, though it still held jobs:
 * it vanished from the list for that read, and a client paging on was past it. The thread is now
 * read again and listed with the jobs it still has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectRedis } from '../../server/lib/providers/redis-client'
import type { RedisConnection } from '../../server/lib/providers/redis-client'
import { createRedisProvider } from '../../server/lib/providers/redis'
import type { RedisJobProvider } from '../../server/lib/providers/redis'
import { createRedisThreads } from '../../server/lib/providers/redis-threads'
import type { JobRecord } from '../../server/lib/providers/types'
import { useRedisServer } from '../support/redis-server'
import { createEndedJob, START_MS } from './contract-fixtures'

const redis = useRedisServer()
let connection: RedisConnection
let provider: RedisJobProvider
const prefix = `thread-race-${process.pid}:`

beforeAll(async () => {
  connection = await connectRedis({ url: redis.url })
  provider = createRedisProvider({ url: redis.url, keyPrefix: prefix, onError: () => {} })
  await provider.ready()
})
afterAll(async () => {
  await provider?.dispose()
  await connection?.close()
})

describe('redis listThreads while a job of a listed thread is deleted', () => {
  it.each(['first', 'last'] as const)('keeps the thread when its %s job goes between the reads', async (which) => {
    const userId = `user-${which}`
    const oldest = await createEndedJob(provider, START_MS + 1, 'completed', { userId, threadId: 't', createdAt: START_MS, title: 'one' })
    const middle = await createEndedJob(provider, START_MS + 2, 'completed', { userId, threadId: 't', createdAt: START_MS + 1, title: 'two' })
    const newest = await createEndedJob(provider, START_MS + 3, 'completed', { userId, threadId: 't', createdAt: START_MS + 2, title: 'three' })
    // Marks the user's threads indexed (the backfill ran), as any first listing does.
    await provider.listThreads({ userId, limit: 10 })
    const doomed = which === 'first' ? oldest : newest
    let deleted = false
    const threads = createRedisThreads({
      prefix,
      command: args => connection.command(args),
      script: () => Promise.reject(new Error('not expected: the user is indexed')),
      // The deletion lands after the thread's ids were read, before its job is.
      getListed: async (id: string): Promise<JobRecord | null> => {
        if (id === doomed.id && !deleted) {
          deleted = true
          expect(await provider.deleteJob(id)).toBe('deleted')
        }
        return await provider.get(id)
      },
    })
    const page = await threads.listThreads(userId, 10, null, `${prefix}active:${userId}`)
    expect(deleted).toBe(true)
    expect(page.threads.map(thread => [thread.threadId, thread.first.title, thread.last.title])).toEqual(
      [['t', which === 'first' ? 'two' : 'one', which === 'first' ? 'three' : 'two']],
    )
    expect(page.threads[0]!.last.id).toBe(which === 'first' ? newest.id : middle.id)
  })
})
