/**
 * The provider contract suite against a real redis-server (started on a free port for this file,
 * stopped after), plus what the Redis provider does beyond the contract.
 */
import { createClient } from 'redis'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { resolveConfig } from '../../server/lib/config'
import { useMetrics } from '../../server/lib/metrics'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { RedisUnavailableError, redactUrl, RedisUnreachableError } from '../../server/lib/providers/redis-client'
import { useRedisServer, useTestRedisServer } from '../support/redis-server'
import { freePort } from '../support/server-process'
import { onStandingClock } from '../support/standing-clock'
import { defineProviderContract } from './contract'
import { appendAccepted, createJob, endEvent, START_MS, statusEvent, textEvent } from './contract-fixtures'

const redis = useRedisServer()
let prefixes = 0
/** Each test gets its own key prefix: tests never see each other's keys. */
const nextPrefix = () => `test-${process.pid}-${++prefixes}:`

defineProviderContract('redis', async ({ now }) => {
  // The suite moves time: the scripts read its clock instead of Redis's (redis-clock-skew.test.ts runs Redis's).
  const provider = createRedisProvider({ url: redis.url, keyPrefix: nextPrefix(), now, storeClock: now })
  await provider.ready()
  return { provider, flush: () => provider.settled() }
})

describe('redis provider beyond the contract', () => {
  async function fresh(options: { keyPrefix?: string } = {}) {
    // Connection drops are on purpose here: their log lines are noise.
    const provider = createRedisProvider({ url: redis.url, keyPrefix: options.keyPrefix ?? nextPrefix(), onError: () => {} })
    // Closed however the test ends (its own dispose stays; a second one does nothing): a failed assertion leaves no connection open.
    onTestFinished(() => provider.dispose())
    await provider.ready()
    return provider
  }

  /**
   * A provider whose commands wait 300 ms for Redis (the fault below: Redis down or paused), with a
   * job. Its checks at connect and the job's creation go through that timeout too: they run on a
   * clock that stands still, so a loaded machine keeping redis-server off its cores that long
   * cannot fail them; the fault runs on the real clock. No health check (it is not what these test,
   * and its timer would be left on that clock).
   */
  async function withJobOn300msTimeout(url: string) {
    const provider = createRedisProvider({ url, keyPrefix: nextPrefix(), commandTimeoutMs: 300, healthCheckMs: 0, onError: () => {} })
    onTestFinished(() => provider.dispose())
    const job = await onStandingClock(async () => {
      await provider.ready()
      return await createJob(provider)
    })
    return { provider, job }
  }

  async function keysOf(prefix: string): Promise<string[]> {
    const probe = await fresh()
    const client = createClient({ url: redis.url })
    try {
      await client.connect()
      return (await client.keys(`${prefix}*`)).sort()
    }
    finally {
      await client.close().catch(() => {})
      await probe.dispose()
    }
  }

  it('hides the whole password in logged URLs, also one holding @ or /', () => {
    expect(redactUrl('redis://:Tr0ub4dor@Horse-Battery-77@127.0.0.1:6379/0')).toBe('redis://:***@127.0.0.1:6379/0')
    expect(redactUrl('rediss://user:pa/ss@word@cache.internal:6380')).toBe('rediss://user:***@cache.internal:6380')
    // A user name alone may be the password written in its place: hidden too.
    expect(redactUrl('redis://s3cr3t-token@127.0.0.1:6379')).toBe('redis://***@127.0.0.1:6379')
    expect(redactUrl('redis://127.0.0.1:6379/2')).toBe('redis://127.0.0.1:6379/2')
  })

  it('fails at boot naming the variable when the URL is missing or Redis is unreachable', async () => {
    expect(() => createRedisProvider({ url: '' })).toThrow(/NUXT_BACKGROUND_JOBS_REDIS_URL/)
    const port = await freePort()
    const unreachable = createRedisProvider({ url: `redis://user:secret@127.0.0.1:${port}` })
    const error = await unreachable.ready().then(() => null, (failure: unknown) => failure as Error)
    expect(error).toBeInstanceOf(RedisUnreachableError)
    expect(error?.message).toMatch(/NUXT_BACKGROUND_JOBS_REDIS_URL/)
    expect(error?.message).not.toContain('secret')
    const userOnly = await createRedisProvider({ url: `redis://lone-secret@127.0.0.1:${port}` }).ready().then(() => null, (failure: unknown) => failure as Error)
    expect(userOnly?.message).toMatch(/redis:\/\/\*\*\*@127\.0\.0\.1/)
    expect(userOnly?.message).not.toContain('lone-secret')
    await expect(createProviderFromConfig(resolveConfig({ provider: 'redis' }))).rejects.toThrow(/NUXT_BACKGROUND_JOBS_REDIS_URL/)
  })

  it('answers 503 naming Redis while it is down, and works again once it is back', async () => {
    const own = await useTestRedisServer()
    const { provider, job } = await withJobOn300msTimeout(own.url)
    await own.stop()
    const failure = await provider.get(job.id).then(() => null, (error: unknown) => error)
    expect(failure).toBeInstanceOf(RedisUnavailableError)
    expect(failure).toMatchObject({ statusCode: 503, message: expect.stringMatching(/Redis/) })
    // Says what happened, even when the client's error has no message of its own.
    expect((failure as Error).message).not.toMatch(/unavailable: ;/)
    await provider.dispose()
  })

  it('dispose does not wait for Redis to come back: a command queued while it is down cannot hold a shutdown', async () => {
    const own = await useTestRedisServer()
    const { provider, job } = await withJobOn300msTimeout(own.url)
    await own.stop()
    // Writes a running job keeps retrying while Redis is down (as the persist queue does).
    const pending = Array.from({ length: 3 }, () => provider.get(job.id).then(() => 'answered', () => 'refused'))
    await provider.dispose()
    expect(await Promise.all(pending)).toEqual(['refused', 'refused', 'refused'])
  })

  it('a command Redis never answers (paused: the connection stays open) is a 503 after commandTimeoutMs, not a hang', async () => {
    const own = await useTestRedisServer()
    const { provider, job } = await withJobOn300msTimeout(own.url)
    process.kill(own.pid, 'SIGSTOP')
    try {
      // The command is on the socket already: only the reply is awaited.
      const failure = await provider.get(job.id).then(() => null, (error: unknown) => error)
      expect(failure).toBeInstanceOf(ProviderUnavailableError)
      expect(failure).toMatchObject({ statusCode: 503, message: expect.stringMatching(/Redis did not answer/) })
    }
    finally {
      process.kill(own.pid, 'SIGCONT')
    }
    // Working again once Redis runs: polled, since a reply may still miss the 300 ms deadline while
    // the resumed server catches up on a loaded machine (a 503 then, as it should be).
    await expect.poll(() => provider.get(job.id).then(read => read?.id, (error: unknown) => error instanceof ProviderUnavailableError ? 'unavailable' : error)).toBe(job.id)
    await provider.dispose()
    await own.stop()
  })

  it('a follower of a job the store lost (Redis restarted without its data) is told it is gone when it catches up', async () => {
    const keyPrefix = nextPrefix()
    const owner = await fresh({ keyPrefix })
    const job = await createJob(owner)
    const received: JobEvent[] = []
    let gone = 0
    const unsubscribe = owner.subscribe(job.id, events => received.push(...events), { afterSeq: 0, onGone: () => gone++ })
    await appendAccepted(owner, job.id, [statusEvent(1)])
    await owner.settled()
    expect(gone).toBe(0)
    const admin = createClient({ url: redis.url })
    await admin.connect()
    // What a restart without persistence leaves: none of the job's keys, and a dropped connection.
    const keys = await admin.keys(`${keyPrefix}*`)
    await admin.del(keys)
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
    await owner.settled()
    expect(gone).toBe(1)
    expect(received.map(event => event.seq)).toEqual([1])
    unsubscribe()
    await admin.close()
    expect(owner.followers()).toBe(0)
    await owner.dispose()
  })

  it('built from config, its calls are counted and timed in the process metrics, and its failures counted by operation and error', async () => {
    const own = await useTestRedisServer()
    // Stopped however the test ends (stopping twice is a no-op): a failed assertion must not leave it running.
    try {
      const provider = await createProviderFromConfig(resolveConfig({ provider: 'redis', redisUrl: own.url, redisKeyPrefix: nextPrefix() }), { logger: { info() {}, warn() {}, error() {} } })
      const counters = () => useMetrics().snapshot().counters
      const before = { ...counters() }
      const grown = (key: string) => (counters()[key] ?? 0) - (before[key] ?? 0)
      const timed = (operation: string) => useMetrics().snapshot().histograms[`provider_call_ms{operation="${operation}"}`]?.count ?? 0
      const calls = timed('create') + timed('get')
      try {
        const job = await createJob(provider)
        expect(grown('provider_calls_total{operation="create"}')).toBe(1)
        await own.stop()
        await expect(provider.get(job.id)).rejects.toBeInstanceOf(RedisUnavailableError)
        expect(grown('provider_calls_total{operation="get"}')).toBe(1)
        expect(grown('provider_errors_total{error="RedisUnavailableError",operation="get"}')).toBe(1)
        expect(timed('create') + timed('get') - calls).toBe(2)
      }
      finally {
        await provider.dispose?.()
      }
    }
    finally {
      await own.stop()
    }
  })

  it('built from config, it reports a dropped connection through the server\'s structured logger', async () => {
    const lines: Array<{ message: string, fields?: Record<string, unknown> }> = []
    const logger = { info() {}, warn() {}, error: (message: string, fields?: Record<string, unknown>) => void lines.push({ message, fields }) }
    const provider = await createProviderFromConfig(resolveConfig({ provider: 'redis', redisUrl: redis.url, redisKeyPrefix: nextPrefix() }), { logger }) as ReturnType<typeof createRedisProvider>
    const job = await createJob(provider)
    const unsubscribe = provider.subscribe(job.id, () => {}, { afterSeq: 0 })
    await provider.settled()
    const admin = createClient({ url: redis.url })
    await admin.connect()
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
    await provider.settled()
    expect(lines.length).toBeGreaterThan(0)
    expect(lines[0]).toMatchObject({ message: 'redis connection or subscription failed', fields: { error: expect.anything() } })
    unsubscribe()
    await admin.close()
    await provider.dispose()
  })

  it('keeps apps with different key prefixes apart on one Redis', async () => {
    const first = await fresh()
    const second = await fresh()
    const job = await createJob(first)
    expect(await second.get(job.id)).toBeNull()
    expect(await second.countActive()).toBe(0)
    expect(await first.countActive()).toBe(1)
    await Promise.all([first.dispose(), second.dispose()])
  })

  it('retention deletes every key of a job, leaving only the user\'s record of the deletion (for feeds)', async () => {
    const prefix = nextPrefix()
    const provider = await fresh({ keyPrefix: prefix })
    const job = await createJob(provider, { idempotencyKey: 'key-1', createdAt: START_MS })
    await provider.sendControl(job.id, { type: 'abort', userId: job.userId })
    const [controlId] = [await provider.sendControl(job.id, { type: 'abort', userId: job.userId })]
    await provider.replyToControl(job.id, controlId!, { ok: true })
    await appendAccepted(provider, job.id, [statusEvent(1), endEvent(2, 'aborted', START_MS + 10)])
    expect(await keysOf(prefix)).toEqual([`${prefix}changed:${job.userId}`, `${prefix}ctl:${job.id}`, `${prefix}ended`, `${prefix}idem`, `${prefix}job:${job.id}`, `${prefix}log:${job.id}`, `${prefix}replies:${job.id}`, `${prefix}user:${job.userId}`])
    expect(await provider.deleteExpired(START_MS + 11)).toBe(1)
    expect(await keysOf(prefix)).toEqual([`${prefix}deleted:${job.userId}`])
    await provider.dispose()
  })

  it('deleteJob deletes every key of a job, and a follower on another instance learns it is gone', async () => {
    const prefix = nextPrefix()
    const provider = await fresh({ keyPrefix: prefix })
    const follower = await fresh({ keyPrefix: prefix })
    const job = await createJob(provider, { idempotencyKey: 'key-1', createdAt: START_MS })
    const [controlId] = [await provider.sendControl(job.id, { type: 'abort', userId: job.userId })]
    await provider.replyToControl(job.id, controlId!, { ok: true })
    await appendAccepted(provider, job.id, [statusEvent(1), endEvent(2, 'aborted', START_MS + 10)])
    let gone = 0
    const unsubscribe = follower.subscribe(job.id, () => {}, { afterSeq: 2, onGone: () => gone++ })
    await follower.settled()
    expect(await provider.deleteJob(job.id)).toBe('deleted')
    await follower.settled()
    expect(gone).toBe(1)
    unsubscribe()
    // Only the user's record of the deletion stays (for feeds that were reconnecting), and expires.
    expect(await keysOf(prefix)).toEqual([`${prefix}deleted:${job.userId}`])
    await Promise.all([provider.dispose(), follower.dispose()])
  })

  it('sends the appends of many jobs in one turn as one script call, each job checked and answered on its own', async () => {
    const provider = await fresh()
    const jobs = await Promise.all(Array.from({ length: 5 }, () => createJob(provider)))
    await appendAccepted(provider, jobs[0]!.id, [statusEvent(1), endEvent(2)])
    const client = createClient({ url: redis.url })
    await client.connect()
    const scriptCalls = async () => Number(/cmdstat_evalsha:calls=(\d+)/.exec(await client.info('commandstats'))?.[1] ?? 0)
    const before = await scriptCalls()
    const replies = await Promise.all([
      provider.appendEvents(jobs[0]!.id, [textEvent(3, 0, 'late')], { epoch: 1 }),
      provider.appendEvents(jobs[1]!.id, [statusEvent(1)], { epoch: 1 }),
      provider.appendEvents(jobs[2]!.id, [statusEvent(1), textEvent(2, 0, 'hé')], { epoch: 1 }),
      provider.appendEvents(jobs[3]!.id, [textEvent(5, 0, 'gap')], { epoch: 1 }),
      provider.appendEvents('no-such-job', [statusEvent(1)], { epoch: 1 }),
    ])
    expect(await scriptCalls() - before).toBe(1)
    expect(replies).toEqual([
      { ok: false, reason: 'terminal', lastSeq: 2 },
      { ok: true, lastSeq: 1 },
      { ok: true, lastSeq: 2 },
      { ok: false, reason: 'seq-conflict', lastSeq: 0 },
      { ok: false, reason: 'not-found', lastSeq: 0 },
    ])
    expect((await provider.readEvents(jobs[2]!.id, 0))?.events.map(event => event.type)).toEqual(['job-status', 'text-delta'])
    expect((await provider.readEvents(jobs[3]!.id, 0))?.events).toEqual([])
    await client.close()
    await provider.dispose()
  })

  it('a follower whose pub/sub connection dropped catches up from the stream: nothing missed, nothing twice', async () => {
    const owner = await fresh()
    const job = await createJob(owner)
    const received: JobEvent[] = []
    const unsubscribe = owner.subscribe(job.id, events => received.push(...events), { afterSeq: 0 })
    await appendAccepted(owner, job.id, [statusEvent(1)])
    await owner.settled()
    const admin = createClient({ url: redis.url })
    await admin.connect()
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
    // Written while the subscriber is away: its messages are lost, the stream keeps them.
    await appendAccepted(owner, job.id, [textEvent(2, 0, 'Hi'), endEvent(3)])
    await owner.settled()
    expect(received.map(event => event.seq)).toEqual([1, 2, 3])
    unsubscribe()
    await admin.close()
    expect(owner.followers()).toBe(0)
    await owner.dispose()
  })

  it('a user subscription whose pub/sub connection dropped reads the jobs that changed meanwhile', async () => {
    const prefix = nextPrefix()
    const provider = await fresh({ keyPrefix: prefix })
    // Created a second before the subscription opens: its start reads the user's recorded changes
    // from the millisecond it opened, inclusive (redis-user-feed.ts), so a job created that same
    // millisecond (a warm run takes less than one from here to the subscribe) would be handed on as
    // queued by the start, before the change the test is about.
    const at = Date.now() - 1_000
    const job = await createJob(provider, { createdAt: at })
    const old = await createJob(provider, { createdAt: at - 60_000 })
    await appendAccepted(provider, old.id, [statusEvent(1, 'running', at - 60_000), endEvent(2, 'completed', at - 60_000)])
    const received: Array<[string, string]> = []
    const unsubscribe = provider.subscribeUserJobs(job.userId, records => received.push(...records.map(record => [record.id, record.status] as [string, string])))
    await provider.settled()
    // A change whose message the subscriber never got (as when it was published while the
    // subscriber was reconnecting): written without a message, then the connection drops.
    const admin = createClient({ url: redis.url })
    await admin.connect()
    // Closed however the test ends: left open by a failed assertion, it would throw 'Socket closed
    // unexpectedly' (no error listener) when the file's Redis stops.
    onTestFinished(() => admin.isOpen ? admin.close() : undefined)
    await admin.hSet(`${prefix}job:${job.id}`, { status: 'running', updatedAt: String(Date.now()) })
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
    await provider.settled()
    // The changed job is handed on; one that changed long before the drop is not.
    expect(received).toEqual([[job.id, 'running']])
    unsubscribe()
    await admin.close()
    expect(provider.followers()).toBe(0)
    await provider.dispose()
  })

  it('a user subscription whose pub/sub connection dropped learns of the jobs deleted meanwhile (the deletion is recorded for it)', async () => {
    const prefix = nextPrefix()
    const provider = await fresh({ keyPrefix: prefix })
    const job = await createJob(provider)
    const kept = await createJob(provider, { userId: job.userId })
    await appendAccepted(provider, job.id, [endEvent(1, 'completed')])
    const deleted: string[] = []
    const unsubscribe = provider.subscribeUserJobs(job.userId, () => {}, { onDeleted: id => deleted.push(id) })
    await provider.settled()
    const admin = createClient({ url: redis.url })
    await admin.connect()
    // The delete records what it deleted for the user's feeds…
    expect(await provider.deleteJob(job.id)).toBe('deleted')
    await provider.settled()
    expect(deleted).toEqual([job.id])
    expect(await admin.zRange(`${prefix}deleted:${job.userId}`, 0, -1)).toEqual([job.id])
    expect(await admin.pTTL(`${prefix}deleted:${job.userId}`)).toBeGreaterThan(0)
    // …so a deletion whose message the subscriber never got (published while it was reconnecting:
    // here recorded without a message) is read after the connection comes back.
    await appendAccepted(provider, kept.id, [endEvent(1, 'completed')])
    await provider.settled()
    expect(deleted).toEqual([job.id])
    await admin.sendCommand(['DEL', `${prefix}job:${kept.id}`])
    await admin.zAdd(`${prefix}deleted:${job.userId}`, { score: Date.now(), value: kept.id })
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
    await provider.settled()
    // Read again after a reconnect, a deletion may come twice (the engine sends each once).
    expect(deleted.at(-1)).toBe(kept.id)
    expect(new Set(deleted)).toEqual(new Set([job.id, kept.id]))
    unsubscribe()
    await admin.close()
    await provider.dispose()
  })

  it('drops every follower on dispose, and a reply subscription once stopped gets nothing', async () => {
    const provider = await fresh()
    const job = await createJob(provider)
    const controlId = await provider.sendControl(job.id, { type: 'abort', userId: job.userId })
    const replies: unknown[] = []
    const stop = provider.subscribeControlReply(job.id, controlId, reply => replies.push(reply))
    provider.subscribe(job.id, () => {})
    provider.subscribeControls(job.id, () => {})
    provider.subscribeUserJobs(job.userId, () => {})
    await provider.settled()
    expect(provider.followers()).toBe(4)
    stop()
    await provider.replyToControl(job.id, controlId, { ok: true })
    await provider.settled()
    expect(replies).toEqual([])
    await provider.dispose()
    expect(provider.followers()).toBe(0)
  })
})
