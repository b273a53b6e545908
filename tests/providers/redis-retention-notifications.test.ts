/**
 * Retention across instances on Redis, through the engines: a job of the user deleted by one
 * instance's retention pass is told as `job-deleted` to the user's notification stream open on
 * another instance, as a deletion request is (the user feed hears the id the retention script
 * published). Before, the stream heard nothing.
 */
import { describe, expect, it } from 'vitest'
import type { JobNotification } from '../../server/lib/notifications'
import { chatRequest } from '../support/engine-harness'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()

describe('redis: retention and the notification streams of other instances', () => {
  it('a stream open on another instance hears job-deleted for each job retention deletes', async () => {
    const keyPrefix = `retention-notify-${process.pid}:`
    const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a' })
    const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })
    // The cleaner's clock is ahead by more than the retention: the job is due at once.
    const cleaner = await engines.start({ url: redis.url, keyPrefix, instanceId: 'cleaner', offsetMs: 120_000, config: { limits: { retentionMs: 60_000 } } })
    const seen: JobNotification[] = []
    const detach = b.engine.attachNotifications('u1', { send: note => seen.push(note), comment() {}, close() {} }, null)
    await b.provider.settled()
    const { job } = await a.engine.createJob('u1', { request: chatRequest, threadId: 't1' })
    await a.engine.whenSettled(job.id)

    expect(await cleaner.engine.cleanup()).toBe(1)
    await Promise.all([cleaner.provider.settled(), b.provider.settled()])
    // Before: it never came (only job-created and job-end did).
    await expect.poll(() => seen.filter(note => note.type === 'job-deleted').map(note => [note.jobId, note.threadId])).toEqual([[job.id, 't1']])
    detach()
    await engines.stopAll()
  })
})
