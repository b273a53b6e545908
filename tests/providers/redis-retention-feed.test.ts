/**
 * Retention on Redis tells what it deletes as `deleteJob` does (redis-delete-scripts.ts): each
 * job's followers are nudged on its log channel (they find it gone: `onGone`), its id goes on the
 * user's channel and into the user's `deleted:<userId>` record, so every instance's feed reports
 * it (`onDeleted`) — also one that starts afterwards for a stream resuming from before it — and
 * the instance that ran the pass gets each job's user and thread (`onDeleted` of `deleteExpired`)
 * for its own streams. Before, the retention script deleted the keys only: no instance told any
 * stream, and a follower learned it only at its next catch-up (after a reconnect).
 */
import { expect, it, onTestFinished } from 'vitest'
import type { ExpiredJob } from '../../server/lib/providers/types'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { createEndedJob, START_MS } from './contract-fixtures'

const redis = useRedisServer()

it('retention tells the followers and the user\'s feeds on every instance, and hands the cleaner each job\'s user and thread', async () => {
  const keyPrefix = `retention-feed-${process.pid}:`
  const cleaner = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  const other = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  await Promise.all([cleaner.ready(), other.ready()])
  onTestFinished(async () => {
    await Promise.all([cleaner.dispose(), other.dispose()])
  })
  const expired = await createEndedJob(cleaner, START_MS + 10, 'completed', { userId: 'u1', threadId: 't1' })
  const kept = await createEndedJob(cleaner, START_MS + 1_000, 'completed', { userId: 'u1', threadId: 't1' })

  const gone: string[] = []
  const stopFollower = other.subscribe(expired.id, () => {}, { afterSeq: 2, onGone: () => gone.push(expired.id) })
  const heard: string[] = []
  const stopFeed = other.subscribeUserJobs!('u1', () => {}, { onDeleted: id => heard.push(id) })
  const startedAt = Date.now()
  await other.settled()

  const told: ExpiredJob[] = []
  expect(await cleaner.deleteExpired(START_MS + 11, 200, job => told.push(job))).toBe(1)
  await Promise.all([cleaner.settled(), other.settled()])
  expect(told).toEqual([{ id: expired.id, userId: 'u1', threadId: 't1' }])
  // Before: [] and [] (nothing published, nothing recorded).
  expect(gone).toEqual([expired.id])
  expect(heard).toEqual([expired.id])

  // A feed started afterwards for a stream resuming from before the pass reads the record.
  const resumed: string[] = []
  const stopResumed = other.subscribeUserJobs!('u1', () => {}, { since: startedAt - 1_000, onDeleted: id => resumed.push(id) })
  await other.settled()
  expect(resumed).toEqual([expired.id])
  expect(await cleaner.get(kept.id)).not.toBeNull()
  for (const stop of [stopFollower, stopFeed, stopResumed]) stop()
})
