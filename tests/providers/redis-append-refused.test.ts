/**
 * An error Redis raises inside the append for one job that is not its state (here WRONGTYPE: the
 * job's log key holds a string) fails the same way at every attempt: the provider throws it as a
 * `LastingStoreError` naming the reply, so the job's write is not retried (persist-queue.ts). It
 * was a plain Error, retried with backoff until the job's time limit.
 */
import { createClient } from 'redis'
import { describe, expect, it, onTestFinished } from 'vitest'
import { LastingStoreError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, createJob, statusEvent, textEvent } from './contract-fixtures'

const redis = useRedisServer()

describe('redis provider: an append Redis refuses for good', () => {
  it('throws a LastingStoreError naming Redis\'s reply, and the job keeps what was stored', async () => {
    const keyPrefix = 'append-refused:'
    const provider = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
    const admin = createClient({ url: redis.url })
    onTestFinished(async () => {
      await admin.close().catch(() => {})
      await provider.dispose()
    })
    await provider.ready()
    const job = await createJob(provider, { userId: 'u1' })
    await appendAccepted(provider, job.id, [statusEvent(1), textEvent(2, 0, 'Hello')])
    await admin.connect()
    const log = `${keyPrefix}log:${job.id}`
    // The log key turned into a string: XADD raises WRONGTYPE inside the script.
    await admin.del(log)
    await admin.set(log, 'not a stream')
    const error = await provider.appendEvents(job.id, [textEvent(3, 5, ' world')]).then(() => null, (thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(LastingStoreError)
    expect((error as Error).message).toMatch(new RegExp(`^Redis refused the append to job ${job.id}: .*WRONGTYPE`))
    expect((await provider.get(job.id))?.lastSeq).toBe(2)
  })
})
