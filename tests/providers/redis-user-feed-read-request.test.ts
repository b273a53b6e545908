/**
 * A user feed (`subscribeUserJobs`: the notifications of every instance that serves the user a
 * notification stream) reads each announced job's record without its request: it read the whole
 * record (`HGETALL`, request included: up to 1 MB, a long chat's history) for every job created,
 * every status change and every question asked, on every instance following the user — though
 * what it hands on (`ChangedJobRecord`) has no request. The bytes Redis sends (its
 * `total_net_output_bytes`) must not grow with the request.
 */
import { expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import type { ChangedJobRecord } from '../../server/lib/providers/types'
import { useRedisServer } from '../support/redis-server'
import { redisSentBytes } from '../support/redis-sent-bytes'
import { appendAccepted, createJob, statusEvent } from './contract-fixtures'

const redis = useRedisServer()

it('hands on a long chat\'s status changes without reading its request', async () => {
  const keyPrefix = `user-feed-read-${process.pid}:`
  const writer = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  const follower = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  await Promise.all([writer.ready(), follower.ready()])
  const { sentBytes } = await redisSentBytes(redis.url)
  onTestFinished(async () => {
    await follower.dispose()
    await writer.dispose()
  })
  const history = 'h'.repeat(500_000)
  const job = await createJob(writer, { userId: 'u1', request: { type: 'chat', messages: [{ role: 'user', content: history }, { role: 'assistant', content: 'Sure.' }, { role: 'user', content: 'And now?' }] } })
  const seen: ChangedJobRecord[] = []
  /** Resolves once the feed has handed on the job in `status`. */
  const waiters = new Map<string, () => void>()
  const handedOn = (status: string) => new Promise<void>(resolve => waiters.set(status, resolve))
  const stop = follower.subscribeUserJobs('u1', (records) => {
    seen.push(...records)
    for (const record of records) waiters.get(record.status)?.()
  })
  onTestFinished(stop)
  await follower.settled()

  const before = await sentBytes()
  // One change at a time: the feed reads the record when its message comes.
  const running = handedOn('running')
  await appendAccepted(writer, job.id, [statusEvent(1)])
  await running
  const waiting = handedOn('waiting')
  await appendAccepted(writer, job.id, [statusEvent(2, 'waiting')])
  await waiting
  expect(seen.map(record => [record.id, record.status])).toEqual([[job.id, 'running'], [job.id, 'waiting']])
  expect(await sentBytes() - before).toBeLessThan(history.length / 10)
})
