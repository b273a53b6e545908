/**
 * Retention (and deleteJob) delete every key of a job: once all of a user's jobs are gone, the
 * user's mark in `threads-indexed` (set when their threads were first read) goes too. Only the
 * user's record of the deletions stays (`deleted:<userId>`, for the user's feeds), and expires.
 */
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, createJob, endEvent, START_MS, statusEvent } from './contract-fixtures'

const redis = useRedisServer()

async function keysOf(prefix: string): Promise<string[]> {
  const client = createClient({ url: redis.url })
  try {
    await client.connect()
    return (await client.keys(`${prefix}*`)).sort()
  }
  finally {
    await client.close().catch(() => {})
  }
}

describe('redis provider: retention of a user whose threads were read', () => {
  it('leaves no key behind once every job of the user expired', async () => {
    const prefix = 'retention:'
    const provider = createRedisProvider({ url: redis.url, keyPrefix: prefix, onError: () => {} })
    try {
      await provider.ready()
      const job = await createJob(provider, { userId: 'u1', threadId: 'thread-1', createdAt: START_MS })
      // The user opens the thread list once (the app's sidebar).
      expect((await provider.listThreads({ userId: 'u1', limit: 10 })).threads).toHaveLength(1)
      await appendAccepted(provider, job.id, [statusEvent(1), endEvent(2, 'completed', START_MS + 10)])
      expect(await provider.deleteExpired(START_MS + 11)).toBe(1)
      expect(await keysOf(prefix)).toEqual([`${prefix}deleted:u1`])
    }
    finally {
      await provider.dispose()
    }
  })
})

describe('redis provider: the threads-indexed mark of a user without jobs', () => {
  it('reading the threads of a user who has no job (yet, or any more) leaves no key behind', async () => {
    const prefix = 'no-jobs:'
    const provider = createRedisProvider({ url: redis.url, keyPrefix: prefix, onError: () => {} })
    try {
      await provider.ready()
      // A user who never started a job opens the sidebar, and a thread of it.
      expect(await provider.listThreads({ userId: 'visitor', limit: 10 })).toEqual({ threads: [], next: null })
      expect(await provider.list({ userId: 'visitor', threadId: 'thread-1' })).toEqual([])
      expect(await keysOf(prefix)).toEqual([])

      // A user whose jobs all expired opens it again.
      const job = await createJob(provider, { userId: 'u1', threadId: 'thread-1', createdAt: START_MS })
      await appendAccepted(provider, job.id, [statusEvent(1), endEvent(2, 'completed', START_MS + 10)])
      expect(await provider.deleteExpired(START_MS + 11)).toBe(1)
      expect(await provider.listThreads({ userId: 'u1', limit: 10 })).toEqual({ threads: [], next: null })
      expect(await keysOf(prefix)).toEqual([`${prefix}deleted:u1`])
    }
    finally {
      await provider.dispose()
    }
  })
})
