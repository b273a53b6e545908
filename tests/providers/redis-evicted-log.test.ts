/**
 * A job whose event log alone is evicted (`maxmemory-policy allkeys-lru` picks the stream, not the
 * hash): the job is lost, as when its hash goes — its owner's next write or heartbeat is refused
 * `not-found`, nothing of it is left counting against the limits, followers are told it is gone,
 * and a read is a clear "gone", never a log that starts in the middle handed on as the whole job.
 */
import { createClient } from 'redis'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, createJob, endEvent, START_MS, statusEvent, textEvent } from './contract-fixtures'

const redis = useRedisServer()

let prefixes = 0
const LEASE = { instanceId: 'owner', epoch: 1, expiresAt: Date.now() + 60_000 }

/** Two instances on one prefix, a running job with three stored events, and its log evicted. */
async function jobWithEvictedLog(end = false, lease = LEASE) {
  const keyPrefix = `evicted-log-${++prefixes}:`
  const owner = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  const remote = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  const admin = createClient({ url: redis.url })
  // Closed however the test ends, also when a step of this setup fails.
  onTestFinished(async () => {
    await admin.close().catch(() => {})
    await Promise.all([owner.dispose(), remote.dispose()])
  })
  await Promise.all([owner.ready(), remote.ready()])
  const job = await createJob(owner, { userId: 'u1', threadId: 'thread-1', idempotencyKey: 'k1', lease })
  await appendAccepted(owner, job.id, [statusEvent(1), textEvent(2, 0, 'Hello'), textEvent(3, 5, ' world')])
  if (end) await appendAccepted(owner, job.id, [endEvent(4, 'completed', START_MS + 10)])
  let gone = 0
  const unsubscribe = remote.subscribe(job.id, () => {}, { afterSeq: 0, onGone: () => {
    gone++
    unsubscribe()
  } })
  await remote.settled()
  await admin.connect()
  // What an eviction does to one key: it is gone, the others stay.
  expect(await admin.del(`${keyPrefix}log:${job.id}`)).toBe(1)
  const keys = async () => (await admin.keys(`${keyPrefix}*`)).sort()
  return { owner, remote, job, keyPrefix, keys, gone: () => gone }
}

describe('redis provider: a job whose log was evicted', () => {
  it('is lost: the next append is refused not-found, every key and index entry of it goes, followers are told', async () => {
    const { owner, remote, job, keys, gone } = await jobWithEvictedLog()
    expect(await owner.appendEvents(job.id, [textEvent(4, 11, '!')], { epoch: 1 })).toEqual({ ok: false, reason: 'not-found', lastSeq: 0 })
    await remote.settled()
    expect(gone()).toBe(1)
    expect(await owner.get(job.id)).toBeNull()
    expect(await owner.countActive({ userId: 'u1' })).toBe(0)
    expect(await owner.list({ userId: 'u1' })).toEqual([])
    expect(await keys()).toEqual([])
  })

  it('a job that appends nothing: its lease heartbeat finds the log gone', async () => {
    const { owner, remote, job, keys, gone } = await jobWithEvictedLog()
    expect(await owner.heartbeatLease(job.id, LEASE, 15_000)).toBe(false)
    await remote.settled()
    expect(gone()).toBe(1)
    expect(await owner.countActive()).toBe(0)
    expect(await keys()).toEqual([])
  })

  it('its lease lapsed (the owner died too): the recovery claim takes nothing over, leaves nothing, and tells the user\'s feeds it is lost', async () => {
    const { owner, remote, job, keyPrefix, keys, gone } = await jobWithEvictedLog(false, { ...LEASE, expiresAt: 0 })
    const lost: string[] = []
    const stopFeed = remote.subscribeUserJobs!('u1', () => {}, { onLost: id => lost.push(id) })
    const startedAt = Date.now()
    await remote.settled()
    expect((await remote.listExpiredLeases()).map(record => record.id)).toEqual([job.id])
    // A claim would hand a job with no log to recovery, which reads no state and leaves it active,
    // to be claimed again at every lease period.
    expect(await remote.claimLease(job.id, 'recovering', 15_000)).toBeNull()
    await remote.settled()
    expect(gone()).toBe(1)
    // No owner is left to say it (lost-job.ts): the claim that dropped it does. Before: [] (nobody told).
    expect(lost).toEqual([job.id])
    expect(await owner.countActive()).toBe(0)
    // Only the record of the loss stays, for a feed that starts later for a stream resuming from before it.
    expect(await keys()).toEqual([`${keyPrefix}lost:u1`])
    const resumed: string[] = []
    const stopResumed = remote.subscribeUserJobs!('u1', () => {}, { since: startedAt - 1_000, onLost: id => resumed.push(id) })
    await remote.settled()
    expect(resumed).toEqual([job.id])
    stopFeed()
    stopResumed()
  })

  it('reads of a job whose log is gone say so, instead of a complete log with no events', async () => {
    const { owner, job } = await jobWithEvictedLog(true)
    expect(await owner.readEvents(job.id, 0)).toBeNull()
    expect(await owner.readEvents(job.id, 2)).toBeNull()
    expect(await owner.getState(job.id)).toBeNull()
  })
})
