/**
 * A user feed hears nothing published on `user:<userId>` before Redis confirmed its SUBSCRIBE:
 * a job of another instance that asked a question (or ended, or was deleted) in that window was
 * never told to the tab that had just opened its notification stream. The feed now reads the
 * user's changes recorded since it started being set up (`changed:<userId>`, `deleted:<userId>`)
 * once subscribed — and only those: what changed before it started is not handed on as new.
 */
import { expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { startRedisPartitionProxy } from '../support/redis-partition-proxy'
import { appendAccepted, createEndedJob, createJob, START_MS, statusEvent } from './contract-fixtures'

const redis = useRedisServer()

/** When the follower's feed starts (its clock), after every change made before the test's window. */
const OPENED_AT = START_MS + 5_000

it('a user feed hands on what changed while its subscription was being set up, and nothing older', async () => {
  const keyPrefix = `feed-start-${process.pid}:`
  const proxy = await startRedisPartitionProxy(redis.url)
  const writer = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  const follower = createRedisProvider({ url: proxy.url, keyPrefix, now: () => OPENED_AT, onError: () => {} })
  await Promise.all([writer.ready(), follower.ready()])
  onTestFinished(async () => {
    await Promise.all([writer.dispose(), follower.dispose()])
    await proxy.close()
  })
  await follower.settled()

  // Before the feed starts: one job ended, one runs, one ended that will be deleted.
  const old = await createEndedJob(writer, START_MS + 1_000, 'completed', { userId: 'u1' })
  const asking = await createJob(writer, { userId: 'u1' })
  await appendAccepted(writer, asking.id, [statusEvent(1, 'running', START_MS + 1_000)])
  const doomed = await createEndedJob(writer, START_MS + 1_000, 'completed', { userId: 'u1' })

  const seen: string[] = []
  const deleted: string[] = []
  proxy.partition()
  const stop = follower.subscribeUserJobs('u1', records => seen.push(...records.map(record => `${record.id}:${record.status}`)), {
    onDeleted: id => deleted.push(id),
  })
  onTestFinished(stop)
  // While its SUBSCRIBE waits in the partition: a question, and a deletion.
  await appendAccepted(writer, asking.id, [statusEvent(2, 'waiting', OPENED_AT + 100)])
  expect(await writer.deleteJob(doomed.id)).toBe('deleted')
  proxy.heal()
  await follower.settled()
  expect(seen).toEqual([`${asking.id}:waiting`])
  expect(deleted).toEqual([doomed.id])
  expect(seen.join()).not.toContain(old.id)

  // Heard live from then on, once each.
  await appendAccepted(writer, asking.id, [statusEvent(3, 'running', OPENED_AT + 200)])
  await follower.settled()
  expect(seen).toEqual([`${asking.id}:waiting`, `${asking.id}:running`])
  expect(deleted).toEqual([doomed.id])
})
