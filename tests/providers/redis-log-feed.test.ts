/**
 * The Redis provider's feed (redis-log-feed.ts) on a real redis-server: an instance that follows
 * jobs running on another one gets one message per group commit of the owner, not one per job
 * batch; its watch entries come and go with its followers, the job's end and retention; and they
 * are written again after a reconnect.
 */
import { createClient } from 'redis'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { createRedisProvider } from '../../server/lib/providers/redis'
import type { RedisServer } from '../support/redis-server'
import { startRedisServer } from '../support/redis-server'
import { appendAccepted, createJob, endEvent, statusEvent, textEvent } from './contract-fixtures'

let redis: RedisServer
let admin: ReturnType<typeof createClient>
let prefixes = 0
const nextPrefix = () => `feed-${process.pid}-${++prefixes}:`

beforeAll(async () => {
  redis = await startRedisServer()
  admin = createClient({ url: redis.url })
  await admin.connect()
})
afterAll(async () => {
  await admin?.close()
  await redis?.stop()
})

/** Two instances on one prefix: the owner appends, the follower follows. */
async function instances() {
  const keyPrefix = nextPrefix()
  const owner = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  const follower = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  await Promise.all([owner.ready(), follower.ready()])
  return { keyPrefix, owner, follower, dispose: () => Promise.all([owner.dispose(), follower.dispose()]) }
}

/** Every message Redis publishes under a prefix, by channel (without the prefix), up to a marker. */
async function recordChannels(keyPrefix: string) {
  const listener = admin.duplicate()
  await listener.connect()
  const channels: string[] = []
  let markerSeen = () => {}
  await listener.pSubscribe(`${keyPrefix}*`, (_message, channel) => {
    if (channel === `${keyPrefix}test-marker`) markerSeen()
    else channels.push(channel.slice(keyPrefix.length).replace(/:.*/, ''))
  })
  return {
    /** What was published before now (a marker published now arrives after all of it). */
    async published(): Promise<string[]> {
      const seen = new Promise<void>(resolve => (markerSeen = resolve))
      await admin.publish(`${keyPrefix}test-marker`, '')
      await seen
      return channels
    },
    close: () => listener.close(),
  }
}

it('an instance following ten jobs of another gets one feed message for a group commit of all ten, and each job its own batch', async () => {
  const { keyPrefix, owner, follower, dispose } = await instances()
  const jobs = await Promise.all(Array.from({ length: 10 }, () => createJob(owner)))
  const received = new Map<string, JobEvent[]>()
  const stops = jobs.map(job => follower.subscribe(job.id, events => received.set(job.id, [...(received.get(job.id) ?? []), ...events])))
  await follower.settled()
  const recorder = await recordChannels(keyPrefix)
  // Appended in one turn: one group commit, one script call.
  await Promise.all(jobs.map((job, index) => appendAccepted(owner, job.id, [statusEvent(1), textEvent(2, 0, `answer ${index}`)])))
  await follower.settled()
  expect(jobs.map(job => received.get(job.id)?.map(event => event.seq))).toEqual(jobs.map(() => [1, 2]))
  expect(jobs.map(job => received.get(job.id)?.[1])).toMatchObject(jobs.map((_, index) => ({ text: `answer ${index}` })))
  const published = await recorder.published()
  expect(published.filter(channel => channel === 'feed')).toHaveLength(1)
  expect(published.filter(channel => channel === 'log')).toHaveLength(0)
  await recorder.close()
  stops.forEach(stop => stop())
  await dispose()
})

it('an owner publishes nothing for a job nobody follows, and one feed message per following instance', async () => {
  const { keyPrefix, owner, follower, dispose } = await instances()
  const other = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  const [followed, alone] = [await createJob(owner), await createJob(owner)]
  const stops = [follower.subscribe(followed.id, () => {}), other.subscribe(followed.id, () => {}), follower.subscribe(followed.id, () => {})]
  await Promise.all([follower.settled(), other.settled()])
  const recorder = await recordChannels(keyPrefix)
  await Promise.all([appendAccepted(owner, followed.id, [textEvent(1, 0, 'a')]), appendAccepted(owner, alone.id, [textEvent(1, 0, 'b')])])
  expect((await recorder.published()).filter(channel => channel === 'feed')).toHaveLength(2)
  await recorder.close()
  stops.forEach(stop => stop())
  await Promise.all([dispose(), other.dispose()])
})

it('the watch set holds an instance once while any of its followers follows, and loses it when the last stops', async () => {
  const { keyPrefix, owner, follower, dispose } = await instances()
  const job = await createJob(owner)
  const watch = `${keyPrefix}watch:${job.id}`
  const stopFirst = follower.subscribe(job.id, () => {})
  const stopSecond = follower.subscribe(job.id, () => {})
  await follower.settled()
  expect(await admin.sCard(watch)).toBe(1)
  stopFirst()
  await follower.settled()
  expect(await admin.sCard(watch)).toBe(1)
  stopSecond()
  await vi.waitFor(async () => expect(await admin.exists(watch)).toBe(0))
  await dispose()
})

it('a job\'s end deletes its watch set, and retention deletes one a late follower added', async () => {
  const { keyPrefix, owner, follower, dispose } = await instances()
  const job = await createJob(owner, { createdAt: 1_000 })
  const watch = `${keyPrefix}watch:${job.id}`
  const received: number[] = []
  const stop = follower.subscribe(job.id, events => received.push(...events.map(event => event.seq)))
  await follower.settled()
  await appendAccepted(owner, job.id, [statusEvent(1, 'running', 1_000), endEvent(2, 'completed', 1_010)])
  await follower.settled()
  expect(received).toEqual([1, 2])
  expect(await admin.exists(watch)).toBe(0)
  // A viewer on a third instance attaches after the end.
  const third = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  const late = third.subscribe(job.id, () => {})
  await third.settled()
  expect(await admin.exists(watch)).toBe(1)
  expect(await owner.deleteExpired(1_011)).toBe(1)
  expect(await admin.keys(`${keyPrefix}*:${job.id}`)).toEqual([])
  stop()
  late()
  await Promise.all([dispose(), third.dispose()])
})

it('a job followed again in the turn its last follower stopped keeps getting its batches', async () => {
  const { keyPrefix, owner, follower, dispose } = await instances()
  const job = await createJob(owner)
  const stopFirst = follower.subscribe(job.id, () => {})
  await follower.settled()
  stopFirst()
  const received: number[] = []
  const stopSecond = follower.subscribe(job.id, events => received.push(...events.map(event => event.seq)))
  await follower.settled()
  // The removal went out before the new entry: the set holds the instance.
  expect(await admin.sCard(`${keyPrefix}watch:${job.id}`)).toBe(1)
  await appendAccepted(owner, job.id, [statusEvent(1)])
  await follower.settled()
  expect(received).toEqual([1])
  stopSecond()
  await dispose()
})

it('watch entries lost with Redis\'s data are written again after the reconnect, and live batches arrive again', async () => {
  const { keyPrefix, owner, follower, dispose } = await instances()
  const job = await createJob(owner)
  const watch = `${keyPrefix}watch:${job.id}`
  const received: number[] = []
  const stop = follower.subscribe(job.id, events => received.push(...events.map(event => event.seq)))
  await follower.settled()
  await admin.del(watch)
  await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
  await vi.waitFor(async () => expect(await admin.sCard(watch)).toBe(1))
  await appendAccepted(owner, job.id, [statusEvent(1)])
  await appendAccepted(owner, job.id, [textEvent(2, 0, 'live')])
  await follower.settled()
  expect(received).toEqual([1, 2])
  stop()
  await dispose()
})
