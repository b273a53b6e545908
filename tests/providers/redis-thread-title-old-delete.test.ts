/**
 * A rolling deploy on Redis: a server of the version before thread titles deletes a thread's last
 * job with its own delete script, which drops the thread from the index but not the title this
 * version stored (`thread-titles:<userId>`), nor the rename kept for the feeds (`renames:<userId>`,
 * `renamed:<userId>`). A thread started later with the same id is a new thread: the create script
 * drops what was left of the old one in the same step as it indexes the thread's first job.
 */
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { createEndedJob, createJob, START_MS } from './contract-fixtures'

const redis = useRedisServer()
let client: ReturnType<typeof createClient>

beforeAll(async () => {
  client = createClient({ url: redis.url })
  await client.connect()
})
afterAll(async () => {
  await client?.close()
})

/** Deletes an ended job as the delete script of the version before titles did: the job and its thread's index entries, nothing else. */
async function deleteAsOlderServer(prefix: string, userId: string, threadId: string, id: string): Promise<void> {
  await client.del(`${prefix}job:${id}`)
  await client.zRem(`${prefix}user:${userId}`, id)
  await client.zRem(`${prefix}thread:${userId}\u0000${threadId}`, id)
  if (await client.zCard(`${prefix}thread:${userId}\u0000${threadId}`) === 0) await client.zRem(`${prefix}threads:${userId}`, threadId)
}

describe('redis: a thread title left behind by a server of the version before', () => {
  it('a thread started again with the same id shows its first message, and no rename of the old thread is kept for the feeds', async () => {
    const prefix = `title-old-delete-${process.pid}:`
    const provider = createRedisProvider({ url: redis.url, keyPrefix: prefix })
    onTestFinished(() => provider.dispose())
    const old = await createEndedJob(provider, START_MS + 5_000, 'completed', { threadId: 'talk', createdAt: START_MS + 10, title: 'Old question' })
    expect(await provider.renameThread('user-a', 'talk', 'Old name', 'rename-1')).toBe(old.id)
    await deleteAsOlderServer(prefix, 'user-a', 'talk', old.id)
    // What the older script left: the title and the kept rename.
    expect(await client.hGet(`${prefix}thread-titles:user-a`, 'talk')).toBe('Old name')
    expect(await client.zScore(`${prefix}renamed:user-a`, 'talk')).not.toBeNull()

    const again = await createJob(provider, { threadId: 'talk', createdAt: START_MS + 20, title: 'New question' })
    const { threads } = await provider.listThreads({ userId: 'user-a', limit: 10 })
    expect(threads.map(thread => [thread.threadId, thread.title, thread.first.title])).toEqual([['talk', undefined, 'New question']])
    expect(await client.hGet(`${prefix}renames:user-a`, 'talk')).toBeNull()
    expect(await client.zScore(`${prefix}renamed:user-a`, 'talk')).toBeNull()

    // A second job of the thread (it has one now) keeps a title given since.
    expect(await provider.renameThread('user-a', 'talk', 'New name', 'rename-2')).toBe(again.id)
    await createJob(provider, { threadId: 'talk', createdAt: START_MS + 30, title: 'Follow-up' })
    expect((await provider.listThreads({ userId: 'user-a', limit: 10 })).threads.map(thread => thread.title)).toEqual(['New name'])
    expect(await client.hGet(`${prefix}renames:user-a`, 'talk')).not.toBeNull()
  })
})
