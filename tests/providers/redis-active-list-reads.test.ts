/**
 * Listing a user's jobs that are still going (`status` of queued/running/waiting only — the
 * client's `listRunning()`, run after every reload to reattach) walked the user's whole list,
 * reading every job's record (`HMGET`) until it found `limit` active ones: a user with none
 * running, the usual case, cost one read per job kept by retention. The user's active jobs are
 * their own set (`active:<userId>`, few: the per-user concurrency limit), read instead.
 */
import { expect, it } from 'vitest'
import { redisProviderWithAdmin } from '../support/redis-provider-admin'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, createEndedJob, createJob, START_MS, statusEvent } from './contract-fixtures'

const redis = useRedisServer()

const ACTIVE = ['queued', 'running', 'waiting'] as const

it('reads the user\'s active jobs, not every job they have', async () => {
  const keyPrefix = `active-list-${process.pid}:`
  const { provider, admin } = await redisProviderWithAdmin({ url: redis.url, keyPrefix, onError: () => {} })
  const hmgetCalls = async () => Number(/cmdstat_hmget:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0)

  // Three jobs still going, created first (the oldest), then 300 that ended.
  const queued = await createJob(provider, { userId: 'u1' })
  const running = await createJob(provider, { userId: 'u1' })
  await appendAccepted(provider, running.id, [statusEvent(1)])
  const waiting = await createJob(provider, { userId: 'u1' })
  await appendAccepted(provider, waiting.id, [statusEvent(1), statusEvent(2, 'waiting')])
  await createJob(provider, { userId: 'u2' })
  for (let index = 0; index < 300; index++) await createEndedJob(provider, START_MS + 10_000, 'completed', { userId: 'u1' })

  const before = await hmgetCalls()
  const found = await provider.list({ userId: 'u1', status: [...ACTIVE], limit: 51 })
  const reads = await hmgetCalls() - before
  expect(found.map(record => [record.id, record.status])).toEqual([[waiting.id, 'waiting'], [running.id, 'running'], [queued.id, 'queued']])
  expect(reads).toBeLessThan(20)

  // Paged newest first, strictly after the bound, and filtered by status, as before.
  const first = await provider.list({ userId: 'u1', status: [...ACTIVE], limit: 2 })
  expect(first.map(record => record.id)).toEqual([waiting.id, running.id])
  const rest = await provider.list({ userId: 'u1', status: [...ACTIVE], limit: 2, before: { createdAt: running.createdAt, id: running.id } })
  expect(rest.map(record => record.id)).toEqual([queued.id])
  expect((await provider.list({ userId: 'u1', status: ['running', 'waiting'] })).map(record => record.id)).toEqual([waiting.id, running.id])
  expect((await provider.list({ userId: 'u1', status: ['queued'], messageId: 'none' }))).toEqual([])
  expect(await provider.list({ userId: 'u1', status: ['queued'], limit: 0 })).toEqual([])
})
