/**
 * A Redis restart with a job in flight (provider `redis`, Redis keeping an append-only file): while
 * Redis is down the job keeps streaming to its viewer, the owner serves a read of it and a viewer
 * reconnecting with Last-Event-ID from memory, new jobs get a 503 naming Redis, and the
 * job's end is not announced before it is stored; once Redis is back the buffered events are
 * written, the job completes with exactly the upstream text, and the log replays it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { createClient, lastEventId, rebuildStrictly } from '../support/http-client'
import type { MockUpstream } from '../support/mock-upstream'
import { startMockUpstream } from '../support/mock-upstream'
import { expectEngineIdle } from '../support/ops-client'
import { useRedisServer, useTestRedisServer } from '../support/redis-server'

const TOKEN = 'redis-restart-metrics-token'
const PIECES = Array.from({ length: 60 }, (_, index) => `piece ${index}; `)
const UPSTREAM_TEXT = PIECES.join('')

const dataDir = mkdtempSync(join(tmpdir(), 'bgjobs-redis-'))
// Registered before the server's hooks, so it runs after the server has stopped (after-hooks run in reverse).
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
// Keeps an append-only file: stopped and started again on the same port within the test, with its data.
const redis = useRedisServer([], { persistIn: dataDir })
let upstream: MockUpstream
let app: AppServer

beforeAll(async () => {
  upstream = await startMockUpstream(() => ({ chunks: PIECES, delayMs: 50 }))
  app = await startAppServer({
    NUXT_BACKGROUND_JOBS_PROVIDER: 'redis',
    NUXT_BACKGROUND_JOBS_REDIS_URL: redis.url,
    NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'a-secret-for-the-redis-restart-test-0123456789',
    NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN,
    NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
    NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key',
    // The outage is shorter than the lease: the owner keeps its job.
    NUXT_BACKGROUND_JOBS_LEASE_DURATION_MS: '30000',
    NUXT_BACKGROUND_JOBS_LEASE_HEARTBEAT_MS: '1000',
  })
})

afterAll(async () => {
  await app?.stop()
  await upstream?.close()
})

describe('a Redis restart with a job in flight', () => {
  it('the job streams on while Redis is down, new jobs get 503 naming Redis, and after the restart it completes with exactly the upstream text', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `restart ${randomUUID()}` }] })
    const viewer = await user.stream(job.streamUrl)
    const deltas = () => viewer.frames.filter(frame => frame.event === 'text-delta').length
    await viewer.waitFor(() => deltas() >= 3)

    await redis.stop()
    const seenAtStop = deltas()
    // The owner serves its own running job from memory at once (no wait for Redis): a read, and a viewer reconnecting with its Last-Event-ID.
    const read = await user.get(`/api/jobs/${job.id}`)
    expect(read).toMatchObject({ status: 200, body: { job: { status: 'running' } } })
    const seenFrames = [...viewer.frames]
    const resumed = await user.stream(job.streamUrl, { 'last-event-id': lastEventId(seenFrames)! })
    expect(resumed.status).toBe(200)
    const refused = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'while Redis is down' }] })
    expect(refused.status).toBe(503)
    expect(refused.body.message).toMatch(/Redis/)
    // The running job keeps streaming to its viewer from this instance: the whole text arrives
    // while Redis is down, yet its end is not announced while it is not stored.
    await viewer.waitFor(() => rebuildStrictly(viewer.frames).text === UPSTREAM_TEXT)
    expect(deltas()).toBeGreaterThan(seenAtStop)
    expect(viewer.frames.some(frame => frame.event === 'job-end')).toBe(false)

    await redis.start()
    const end = await viewer.waitFor(frame => frame.event === 'job-end')
    expect(end.data).toMatchObject({ status: 'completed' })
    expect(rebuildStrictly(viewer.frames)).toEqual({ text: UPSTREAM_TEXT, problems: [] })
    expect((await resumed.waitFor(frame => frame.event === 'job-end')).data.status).toBe('completed')
    expect(rebuildStrictly([...seenFrames, ...resumed.frames])).toEqual({ text: UPSTREAM_TEXT, problems: [] })

    // What the store holds after the restart is the whole job: its state, and a replay of its log.
    const { body } = await user.get(`/api/jobs/${job.id}`)
    expect(body.state).toMatchObject({ status: 'completed', content: UPSTREAM_TEXT })
    // Event 1 is the job's `running` status: the replay after it carries the whole text, exactly.
    const replay = await user.stream(job.streamUrl, { 'last-event-id': '1' })
    await replay.ended
    expect(replay.frames.filter(frame => frame.event === 'snapshot')).toHaveLength(0)
    expect(rebuildStrictly(replay.frames)).toEqual({ text: UPSTREAM_TEXT, problems: [] })
    expect(replay.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })

    expect((await user.post('/api/jobs', { messages: [{ role: 'user', content: 'after the restart' }] })).status).toBe(202)
    await expectEngineIdle(app.url, TOKEN)
  })
})

describe('an instance that boots while Redis is down', () => {
  it('answers 503 (not a 500, not a hang) until Redis is reachable, then works without a restart', async () => {
    // Its own server, stopped also when the test fails or times out before its `finally`.
    const late = await useTestRedisServer()
    await late.stop()
    const booted = await startAppServer({
      NUXT_BACKGROUND_JOBS_PROVIDER: 'redis',
      NUXT_BACKGROUND_JOBS_REDIS_URL: late.url,
      NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'a-secret-for-the-redis-restart-test-0123456789',
      NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN,
      NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
      NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key',
    })
    try {
      const user = await createClient(booted.url).init()
      const refused = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'before Redis' }] })
      expect(refused.status).toBe(503)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(refused.body.message).toContain('not reachable yet')
      await late.start()
      // The engine's next attempt (backoff from 1 s) connects: the same process starts serving.
      await expect.poll(async () => (await user.post('/api/jobs', { messages: [{ role: 'user', content: `after Redis ${randomUUID()}` }] })).status, { timeout: 30_000, interval: 250 }).toBe(202)
      await expectEngineIdle(booted.url, TOKEN)
    }
    finally {
      await booted.stop()
      await late.stop()
    }
  })

  it('stopped before Redis came: shuts down without an error about disposing an engine that never started', async () => {
    const never = await useTestRedisServer()
    await never.stop()
    const booted = await startAppServer({
      NUXT_BACKGROUND_JOBS_PROVIDER: 'redis',
      NUXT_BACKGROUND_JOBS_REDIS_URL: never.url,
      NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'a-secret-for-the-redis-restart-test-0123456789',
    })
    const user = await createClient(booted.url).init()
    expect((await user.post('/api/jobs', { messages: [{ role: 'user', content: 'no Redis' }] })).status).toBe(503)
    await booted.stop()
    expect(booted.output()).toContain('could not reach Redis')
    expect(booted.output()).not.toContain('dispose on shutdown failed')
  })
})
