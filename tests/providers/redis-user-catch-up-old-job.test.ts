/**
 * After a pub/sub reconnect a Redis user feed catches up on what it missed by reading the user's
 * 100 newest jobs (by creation) and handing on those changed since: a job created before those 100
 * (a user with many chats or agent runs within retention) that asked a question or ended while the
 * connection was down was never handed on. The catch-up now also reads the user's recorded changes
 * (`changed:<userId>`), whatever the job's age.
 */
import { expect, it, onTestFinished } from 'vitest'
import { redisProviderWithAdmin } from '../support/redis-provider-admin'
import { useRedisServer } from '../support/redis-server'
import { createJob } from './contract-fixtures'

const redis = useRedisServer()

it('a job older than the user\'s 100 newest that changed during a reconnect is handed on', async () => {
  const keyPrefix = `catch-up-old-${process.pid}:`
  const { provider, admin } = await redisProviderWithAdmin({ url: redis.url, keyPrefix, onError: () => {} })
  const at = Date.now()
  const old = await createJob(provider, { userId: 'u1', createdAt: at - 60_000 })
  for (let index = 0; index < 100; index++) await createJob(provider, { userId: 'u1', createdAt: at - 50_000 + index })
  const received: string[] = []
  const stop = provider.subscribeUserJobs('u1', records => received.push(...records.map(record => `${record.id}:${record.status}`)))
  onTestFinished(stop)
  await provider.settled()
  // The old job asks a question while the feed's pub/sub connection is down: stored as the append
  // script stores it (status, time, the user's recorded change), its message lost.
  const changedAt = Date.now()
  await admin.hSet(`${keyPrefix}job:${old.id}`, { status: 'waiting', updatedAt: String(changedAt) })
  await admin.zAdd(`${keyPrefix}changed:u1`, { score: changedAt, value: old.id })
  await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
  await provider.settled()
  expect(received).toEqual([`${old.id}:waiting`])
})
