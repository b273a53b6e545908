/**
 * Viewers that misbehave, over real HTTP against the built app, on the memory provider and on
 * Redis: thousands of connections that leave at random moments (mid-headers, mid-snapshot,
 * mid-frame, during a gzip flush, after a half-close) on job streams with and without
 * Last-Event-ID, the notification stream and the AI SDK resume route, while jobs run. Afterwards
 * every count the engine keeps returns to zero (runs, viewers, feeds, timers, notification sinks,
 * open stream slots), and a second round of the same churn leaves the process's
 * handles where the first left them (read after a forced GC; the heap is the memory benchmark's
 * business, bench/memory.ts). Every choice comes from a seeded generator; every wait is for an event or
 * a count.
 */
import { randomUUID } from 'node:crypto'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createClient, textFromFrames } from '../support/http-client'
import type { MockTurn, MockUpstream } from '../support/mock-upstream'
import { startScenarioUpstream } from '../support/mock-upstream'
import { anonymousCookie, followToEnd, readMetrics } from '../support/ops-client'
import { useRedisServer } from '../support/redis-server'
import type { ServerProcess } from '../support/server-process'
import { startServerProcess } from '../support/server-process'

const TOKEN = 'churn-metrics-token'
const CONNECTIONS_PER_ROUND = 300
const PARALLEL = 40
const HELD_JOBS = 4
const CHUNKS = Array.from({ length: 30 }, (_, index) => `piece ${index} é😀 `)

/** Holds the `hold` jobs mid-answer until released. */
let release: () => void = () => {}
let held = new Promise<void>((resolve) => {
  release = resolve
})

const SCENARIOS: Record<string, (attempt: number) => MockTurn> = {
  hold: () => ({ chunks: CHUNKS, delayMs: 1, pauseAfterChunks: 10, get resume() { return held } }) as MockTurn,
}

/**
 * Preloaded into the server: SIGUSR2 forces a full GC, then prints the heap and the kinds of the
 * handles it holds, timers aside (so a test reads them after exactly the rounds it ran, not after
 * some time).
 */
const GC_PRELOAD = `data:text/javascript,${encodeURIComponent(
  `process.on('SIGUSR2', () => { globalThis.gc(); globalThis.gc(); const { heapUsed } = process.memoryUsage(); process.stdout.write('[gc] ' + JSON.stringify({ heapUsed, kinds: process.getActiveResourcesInfo().filter(name => name !== 'Timeout').sort() }) + '\\n') })`,
)}`

/** A seeded generator (mulberry32): the same churn on every run. */
function random(seed: number) {
  let state = seed
  return () => {
    state = (state + 0x6D2B79F5) | 0
    let value = Math.imul(state ^ (state >>> 15), 1 | state)
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296
  }
}

interface Target {
  url: string
  cookie: string
  jobPaths: string[]
  chatIds: string[]
}

/**
 * One connection that misbehaves: a request cut mid-headers, or a whole request (gzip or not,
 * with a resume id or not, on a job, the notifications or the AI SDK resume route) cut after a
 * chosen number of response bytes, sometimes after the client half-closed.
 */
function misbehave(target: Target, next: () => number): Promise<void> {
  const { port } = new URL(target.url)
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!
  const route = next()
  const path = route < 0.6 ? pick(target.jobPaths) : route < 0.8 ? '/api/jobs/notifications' : `/api/jobs/chat/${encodeURIComponent(pick(target.chatIds))}/stream`
  const resumeId = pick([null, null, '0', '3', '7', '999999', 'garbage', '1:2'])
  const request = [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Accept: text/event-stream',
    `Cookie: ${target.cookie}`,
    ...(next() < 0.5 ? ['Accept-Encoding: gzip'] : []),
    ...(resumeId ? [`Last-Event-ID: ${resumeId}`] : []),
    '',
    '',
  ].join('\r\n')
  const mode = next()
  const cutAfterBytes = 1 + Math.floor(next() * 3_000)
  // A quiet stream (heartbeats only) is cut after a few reads instead.
  const cutAfterReads = 1 + Math.floor(next() * 4)
  return new Promise<void>((resolve) => {
    const socket = connect(Number(port), '127.0.0.1')
    let received = 0
    let reads = 0
    socket.on('error', () => {})
    socket.once('close', () => resolve())
    socket.once('connect', () => {
      if (mode < 0.15) {
        // Mid-headers.
        socket.write(request.slice(0, 1 + Math.floor(next() * (request.length - 2))), () => socket.destroy())
        return
      }
      socket.write(request)
      if (mode < 0.25) socket.destroy()
      else if (mode < 0.35) socket.end() // a half-close; the response still flows until the cut
    })
    socket.on('data', (data: Buffer) => {
      received += data.length
      if (received >= cutAfterBytes || ++reads >= cutAfterReads) socket.destroy()
    })
    // A response shorter than the cut (204, an ended replay, a 404) closes by itself.
  })
}

/** Runs `count` misbehaving connections, `PARALLEL` at a time. */
async function churn(target: Target, count: number, seed: number): Promise<void> {
  const next = random(seed)
  let started = 0
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (started < count) {
      started++
      await misbehave(target, next)
    }
  }))
}

interface Sample {
  heapUsed: number
  /** The kinds of the handles the server holds, timers aside: `TCPSocketWrap`, `PipeWrap`… */
  kinds: string[]
}

/** Forces a GC in the server and reads its heap and handles (the n-th `[gc]` line). */
async function sampleOf(server: ServerProcess): Promise<Sample> {
  const before = server.output().split('[gc] ').length
  server.process.kill('SIGUSR2')
  await expect.poll(() => server.output().split('[gc] ').length, { timeout: 10_000, interval: 20 }).toBeGreaterThan(before)
  return JSON.parse(server.output().split('[gc] ').at(-1)!.split('\n')[0]!)
}

/**
 * Waits until the server holds no more handles than `first` did. The test's own connections
 * (the follower, the metrics polls) close after their last answer, on the server's side a moment
 * later: a socket of theirs may still be open when a sample is taken, and is gone by the next
 * one. A socket the churn leaked is held for good and fails the wait, its kind in the message.
 */
async function expectHandlesBackTo(server: ServerProcess, first: Sample): Promise<void> {
  await expect.poll(() => sampleOf(server), { timeout: 15_000, interval: 250 })
    .toSatisfy((sample: Sample) => sample.kinds.length <= first.kinds.length)
}

/** What must be back at zero once the jobs ended and every connection is gone. */
async function expectNothingHeld(url: string, engineTimersIdle: number): Promise<void> {
  await expect.poll(async () => {
    const { engine, openStreams } = await readMetrics(url, TOKEN)
    return { runs: engine.runs, viewers: engine.viewers, remoteFeeds: engine.remoteFeeds, jobTimers: engine.jobTimers, notificationSinks: engine.notificationSinks, userFeeds: engine.userFeeds, engineTimers: engine.engineTimers, openStreams }
  }, { timeout: 15_000, interval: 50 }).toEqual({ runs: 0, viewers: 0, remoteFeeds: 0, jobTimers: 0, notificationSinks: 0, userFeeds: 0, engineTimers: engineTimersIdle, openStreams: 0 })
}

/** Starts held jobs (chat jobs through the AI SDK route too) for one round. */
async function startHeldJobs(url: string, cookie: string): Promise<Target> {
  const user = createClient(url, { cookie })
  const jobPaths: string[] = []
  const chatIds: string[] = []
  for (let index = 0; index < HELD_JOBS; index++) {
    const created = await user.post('/api/jobs', { messages: [{ role: 'user', content: `churn:hold:${randomUUID()}` }] })
    expect(created.status).toBe(202)
    jobPaths.push(created.body.streamUrl)
    const chatId = `churn-${randomUUID()}`
    // The AI SDK route answers with the job's stream: leave at once, the job runs on.
    const controller = new AbortController()
    const response = await fetch(`${url}/api/jobs/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ id: chatId, messages: [{ id: `u-${index}`, role: 'user', parts: [{ type: 'text', text: `churn:hold:${randomUUID()}` }] }], trigger: 'submit-message' }),
      signal: controller.signal,
    })
    expect(response.status).toBe(200)
    controller.abort()
    chatIds.push(chatId)
  }
  // Finished jobs (replayed and closed) and unknown ones (404) are churned on too.
  jobPaths.push('/api/jobs/unknown-job/stream')
  return { url, cookie, jobPaths, chatIds }
}

function holdJobs() {
  held = new Promise<void>((resolve) => {
    release = resolve
  })
}

describe.each(['memory', 'redis'] as const)('viewer churn (%s)', (provider) => {
  let upstream: MockUpstream
  // The Redis case only: started before this block's server, stopped after it (its hooks come first).
  const redis = provider === 'redis' ? useRedisServer() : null
  let server: ServerProcess
  let engineTimersIdle = 0

  beforeAll(async () => {
    upstream = await startScenarioUpstream(SCENARIOS)
    server = await startServerProcess(inject('appEntry'), {
      NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
      NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-churn-suite-key-0123456789',
      NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN,
      // Jobs are held mid-answer through a whole round.
      NUXT_BACKGROUND_JOBS_UPSTREAM_STALL_TIMEOUT_MS: '600000',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS_PER_USER: '0',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS_PER_USER: '100',
      NUXT_BACKGROUND_JOBS_LIMITS_CREATE_PER_MINUTE: '0',
      NUXT_BACKGROUND_JOBS_STREAM_HEARTBEAT_MS: '100',
      NUXT_BACKGROUND_JOBS_STREAM_VIEWER_QUEUE_BYTES: '65536',
      ...(redis ? { NUXT_BACKGROUND_JOBS_PROVIDER: 'redis', NUXT_BACKGROUND_JOBS_REDIS_URL: redis.url, NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX: `churn-${randomUUID()}:`, NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'churn-cookie-secret-0123456789abcdef0123456789' } : {}),
    }, '/api/jobs/catalog', ['--expose-gc', '--import', GC_PRELOAD])
    // What the engine keeps while idle once it ran a job (the cleanup interval; on Redis the
    // lease recovery too): one quick job, no viewer.
    const user = await createClient(server.url).init()
    const quick = await user.post('/api/jobs', { messages: [{ role: 'user', content: `churn:quick:${randomUUID()}` }] })
    expect(quick.status).toBe(202)
    for (let polls = 0; (await readMetrics(server.url, TOKEN)).engine.runs > 0; polls++) {
      if (polls > 500) throw new Error('the quick job did not end')
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    engineTimersIdle = (await readMetrics(server.url, TOKEN)).engine.engineTimers
  })

  afterAll(async () => {
    release()
    await server?.stop()
    await upstream?.close()
  })

  it('thousands of viewers leaving at random moments: every count returns to zero, handles stay flat', async () => {
    const cookie = await anonymousCookie(server.url)
    let first: Sample | undefined
    for (let round = 0; round < 2; round++) {
      holdJobs()
      const target = await startHeldJobs(server.url, cookie)
      await churn(target, CONNECTIONS_PER_ROUND, 1_000 + round)
      // The jobs end; a viewer that stays to the end sees the whole text once.
      const user = createClient(server.url, { cookie })
      release()
      const frames = await followToEnd(user, target.jobPaths[0]!)
      expect(frames.at(-1)!.data.status).toBe('completed')
      expect(textFromFrames(frames)).toBe(CHUNKS.join(''))
      await expectNothingHeld(server.url, engineTimersIdle)
      // Round 2 runs the same churn as round 1: what it left must not grow.
      if (first) await expectHandlesBackTo(server, first)
      else first = await sampleOf(server)
    }
    expect(server.output()).not.toMatch(/unhandled|unexpected error|Internal error/i)
  })
})
