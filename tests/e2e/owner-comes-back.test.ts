/**
 * An owner that stops and comes back, with real processes on a real Redis: instance A is frozen
 * (SIGSTOP, as a long GC pause or a suspended VM) or cut off from Redis while it keeps running (a
 * TCP proxy between A and Redis that stops forwarding), longer than its lease; B takes the job over
 * (a new epoch); then A comes back. The stored result stays one coherent result, A notices it lost
 * the job and stops (no further tool or node, upstream request aborted, engine idle), its viewers
 * end with exactly the stored text, and controls sent meanwhile get the real owner's answer.
 * Leases are 3 s (heartbeat 1 s; with 1.5 s / 300 ms a loaded machine starved A past its lease before
 * the freeze, and B's takeover outlasted a forwarded abort's wait, lease + 2 heartbeats). A runs the
 * jobs: A's Redis goes through the proxy.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import type { ReceivedFrame } from '../support/http-client'
import { createClient, rebuildStrictly, showsText } from '../support/http-client'
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream'
import { startMockUpstream, userMessageOf } from '../support/mock-upstream'
import { expectEngineIdle, followToEnd } from '../support/ops-client'
import type { RedisPartitionProxy } from '../support/redis-partition-proxy'
import { startRedisPartitionProxy } from '../support/redis-partition-proxy'
import { freePort } from '../support/free-port'
import { useRedisServer } from '../support/redis-server'

const TOKEN = 'owner-comes-back-metrics'
const PIECES = Array.from({ length: 30 }, (_, index) => `piece ${index}; `)

const redis = useRedisServer()
let proxy: RedisPartitionProxy
let upstream: MockUpstream
let a: AppServer
let b: AppServer
let effectsDir: string
let effectsFile: string
/** Releases the upstream answers held mid-way (prompts containing "hold"). */
let releaseHeld: () => void = () => {}
const held = new Promise<void>((resolve) => {
  releaseHeld = resolve
})

beforeAll(async () => {
  proxy = await startRedisPartitionProxy(redis.url, await freePort())
  upstream = await startMockUpstream((request: RecordedRequest) => {
    const prompt = userMessageOf(request)
    if (prompt.includes('hold')) return { chunks: PIECES, delayMs: 5, pauseAfterChunks: 10, resume: held }
    return { chunks: PIECES.slice(0, 5), delayMs: 2 }
  })
  effectsDir = mkdtempSync(join(tmpdir(), 'bgjobs-effects-'))
  effectsFile = join(effectsDir, 'effects.log')
  const env = {
    NUXT_BACKGROUND_JOBS_PROVIDER: 'redis',
    NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'a-secret-every-instance-shares-0123456789',
    NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN,
    NUXT_BACKGROUND_JOBS_LEASE_DURATION_MS: '3000',
    NUXT_BACKGROUND_JOBS_LEASE_HEARTBEAT_MS: '1000',
    NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
    NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key',
    FIXTURE_SIDE_EFFECTS_FILE: effectsFile,
  }
  // One after the other, so a failed start leaves nothing running (afterAll stops what started).
  a = await startAppServer({ ...env, NUXT_BACKGROUND_JOBS_REDIS_URL: proxy.url, NUXT_BACKGROUND_JOBS_INSTANCE_ID: 'instance-a' })
  b = await startAppServer({ ...env, NUXT_BACKGROUND_JOBS_REDIS_URL: redis.url, NUXT_BACKGROUND_JOBS_INSTANCE_ID: 'instance-b' })
  // A first job on each instance pays its cold start here (code loaded, Redis scripts), not within a test's lease.
  for (const server of [a, b]) {
    const user = await createClient(server.url).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `warm up ${randomUUID()}` }] })
    expect((await followToEnd(user, job.streamUrl)).at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
  }
})

afterEach(() => {
  // Whatever a test did, A runs and reaches Redis again.
  if (a) process.kill(a.pid, 'SIGCONT')
  proxy?.heal()
})

afterAll(async () => {
  releaseHeld()
  await Promise.all([a?.stop(), b?.stop()])
  await proxy?.close()
  await upstream?.close()
  rmSync(effectsDir, { recursive: true, force: true })
})

/**
 * A hold for the workflow's first tool node (`input.hold`): it runs on each instance until the test
 * releases it there, so it is still running when the test freezes or cuts off its owner, however
 * slow the machine (a 600 ms tool had already ended, and the next node run, when the test caught up).
 */
function createHold(): { path: string, release: (instance: 'instance-a' | 'instance-b') => void } {
  const path = join(effectsDir, `hold-${randomUUID()}`)
  return { path, release: instance => writeFileSync(`${path}.${instance}`, '') }
}

/** Which instance ran which tool of a job: "<instance> <label>" lines. */
function effectsOf(jobId: string): string[] {
  if (!existsSync(effectsFile)) return []
  return readFileSync(effectsFile, 'utf8').split('\n').filter(line => line.includes(` ${jobId} `)).map(line => line.replace(` ${jobId}`, ''))
}

/** A frame (or the first snapshot) shows the tool node `nodeId` running. */
const toolRunning = (nodeId: string) => (frame: ReceivedFrame) => (frame.event === 'tool-call' && frame.data.nodeId === nodeId)
  || (frame.event === 'snapshot' && frame.data.toolCalls.some((call: { nodeId?: string, status: string }) => call.nodeId === nodeId && call.status === 'running'))

/** The id of the question a frame asks (or the first snapshot holds), else undefined. */
const askedIn = (frame: ReceivedFrame): string | undefined => frame.event === 'input-request'
  ? frame.data.requestId
  : frame.event === 'snapshot' ? frame.data.pendingInputs[0]?.requestId : undefined

const freeze = () => process.kill(a.pid, 'SIGSTOP')
const thaw = () => process.kill(a.pid, 'SIGCONT')

describe('an owner that comes back after another instance took its job over', () => {
  it('frozen mid-chat: B ends it owner-lost; A, thawed, aborts its upstream request, and its viewer ends with exactly the stored text', async () => {
    const user = await createClient(a.url).init()
    const prompt = `hold ${randomUUID()}`
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: prompt }] })
    const onA = await user.stream(job.streamUrl)
    const onB = await user.at(b.url).stream(job.streamUrl)
    // B's frames come from the store: once it has text, A stored some.
    await onB.waitFor(showsText)
    freeze()
    const end = await onB.waitFor(frame => frame.event === 'job-end')
    expect(end.data).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })
    thaw()
    const { body: stored } = await user.at(b.url).get(`/api/jobs/${job.id}`)
    const framesOnA = await followToEnd(user, job.streamUrl, {}, await onA.ended.then(() => onA.frames))
    expect(rebuildStrictly(framesOnA)).toEqual({ text: stored.state.content, problems: [] })
    expect(framesOnA.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'failed', error: { code: 'owner-lost' } } })
    await expect.poll(() => upstream.requests.find(request => userMessageOf(request) === prompt)?.aborted).toBe(true)
    await expectEngineIdle(a.url, TOKEN)
    await expectEngineIdle(b.url, TOKEN)
  })

  it('frozen while a tool node runs: B re-runs the workflow from its last finished node; A, thawed, starts no further node or tool', async () => {
    const user = await createClient(a.url).init()
    const hold = createHold()
    const { body: job } = await user.post('/api/jobs', { workflow: 'fixture-side-effects', input: { hold: hold.path } })
    const onA = await user.stream(job.streamUrl)
    const onB = await user.at(b.url).stream(job.streamUrl)
    await onA.waitFor(toolRunning('work'))
    freeze()
    hold.release('instance-b')
    // B's viewer sees the question B asks once it took the job over (A never got that far).
    const asked = askedIn(await onB.waitFor(frame => askedIn(frame) !== undefined))
    thaw()
    hold.release('instance-a')
    expect((await user.at(b.url).post(`/api/jobs/${job.id}/input`, { requestId: asked, answer: { go: true } })).status).toBe(200)
    const end = await onB.waitFor(frame => frame.event === 'job-end')
    expect(end.data.status).toBe('completed')
    await expectEngineIdle(a.url, TOKEN)
    await expectEngineIdle(b.url, TOKEN)
    // A's tool that was running when it froze may finish (its effect is A's); nothing after it runs on A.
    const effects = effectsOf(job.id)
    expect(effects.filter(line => !line.startsWith('instance-a work'))).toEqual(['instance-b work', 'instance-b next', 'instance-b last'])
    const framesOnA = await followToEnd(user, job.streamUrl, {}, await onA.ended.then(() => onA.frames))
    const { body: stored } = await user.at(b.url).get(`/api/jobs/${job.id}`)
    expect(framesOnA.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
    expect(rebuildStrictly(framesOnA).problems).toEqual([])
    expect(stored.state.status).toBe('completed')
  })

  it('frozen while waiting for an answer sent meanwhile: the real owner gives it to the question it asks again (200), and A, thawed, does not act on it', async () => {
    const user = await createClient(a.url).init()
    const { body: job } = await user.post('/api/jobs', { workflow: 'fixture-side-effects', input: { waitMs: 0 } })
    const onA = await user.stream(job.streamUrl)
    const onB = await user.at(b.url).stream(job.streamUrl)
    const first = askedIn(await onA.waitFor(frame => askedIn(frame) !== undefined))
    freeze()
    // Sent while A is frozen and still holds the lease: B takes the job over, voids the question,
    // asks it again and gives it this answer — its sender is told it was taken.
    const early = user.at(b.url).post(`/api/jobs/${job.id}/input`, { requestId: first, answer: { go: true } })
    const again = askedIn(await onB.waitFor(frame => askedIn(frame) !== undefined && askedIn(frame) !== first))
    expect((await early).status).toBe(200)
    expect((await onB.waitFor(frame => frame.event === 'job-end')).data.status).toBe('completed')
    thaw()
    await expectEngineIdle(a.url, TOKEN)
    await expectEngineIdle(b.url, TOKEN)
    expect(effectsOf(job.id)).toEqual(['instance-a work', 'instance-a next', 'instance-b last'])
    // The question asked again took that answer: another one is refused.
    expect((await user.at(b.url).post(`/api/jobs/${job.id}/input`, { requestId: again, answer: { go: false } })).status).toBe(409)
  })

  it('frozen while waiting, aborted meanwhile: the real owner aborts it; A, thawed, runs nothing more', async () => {
    const user = await createClient(a.url).init()
    const { body: job } = await user.post('/api/jobs', { workflow: 'fixture-side-effects', input: { waitMs: 0 } })
    const onB = await user.at(b.url).stream(job.streamUrl)
    await onB.waitFor(frame => askedIn(frame) !== undefined)
    freeze()
    const aborted = await user.at(b.url).post(`/api/jobs/${job.id}/abort`)
    expect(aborted).toMatchObject({ status: 200, body: { job: { status: 'aborted' } } })
    thaw()
    await expectEngineIdle(a.url, TOKEN)
    await expectEngineIdle(b.url, TOKEN)
    const { body: stored } = await user.at(a.url).get(`/api/jobs/${job.id}`)
    expect(stored.state.status).toBe('aborted')
    expect(effectsOf(job.id)).toEqual(['instance-a work', 'instance-a next'])
  })

  it('cut off from Redis while a tool node runs longer than the lease: A starts no further node until the store answers, and none once it learns B took over', async () => {
    const user = await createClient(a.url).init()
    const hold = createHold()
    const { body: job } = await user.post('/api/jobs', { workflow: 'fixture-side-effects', input: { hold: hold.path } })
    const onA = await user.stream(job.streamUrl)
    const onB = await user.at(b.url).stream(job.streamUrl)
    await onA.waitFor(toolRunning('work'))
    proxy.partition()
    hold.release('instance-b')
    // B took the job over and re-ran it up to the question; then A's own tool ends (cut off, past its lease).
    const asked = askedIn(await onB.waitFor(frame => askedIn(frame) !== undefined))
    hold.release('instance-a')
    await onA.waitFor(frame => frame.event === 'tool-result' && frame.data.nodeId === 'work')
    proxy.heal()
    await expectEngineIdle(a.url, TOKEN)
    expect((await user.at(b.url).post(`/api/jobs/${job.id}/input`, { requestId: asked, answer: { go: true } })).status).toBe(200)
    expect((await onB.waitFor(frame => frame.event === 'job-end')).data.status).toBe('completed')
    expect(effectsOf(job.id)).toEqual(['instance-b work', 'instance-b next', 'instance-a work', 'instance-b last'])
    const framesOnA = await followToEnd(user, job.streamUrl, {}, await onA.ended.then(() => onA.frames))
    expect(framesOnA.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
    // A's viewer never saw A start the next node (only the stored log's, from B: ids `2:<seq>`).
    expect(framesOnA.filter(frame => frame.event === 'node-start' && frame.data.nodeId === 'next' && !frame.id?.includes(':'))).toEqual([])
  })

  it('cut off from Redis mid-chat: A answers 503 naming Redis and keeps its viewer\'s stream; B ends the job; once healed A stops its run, its viewer gets the stored end, and A serves again without a restart', async () => {
    const user = await createClient(a.url).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `hold ${randomUUID()}` }] })
    const onA = await user.stream(job.streamUrl)
    const onB = await user.at(b.url).stream(job.streamUrl)
    await onB.waitFor(showsText)
    proxy.partition()
    const end = await onB.waitFor(frame => frame.event === 'job-end')
    expect(end.data).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })
    // New requests on A need Redis, even a read of the job A runs: 503 naming Redis (after the 5 s command timeout).
    const [refused, read] = await Promise.all([
      user.post('/api/jobs', { messages: [{ role: 'user', content: 'during the partition' }] }),
      user.get(`/api/jobs/${job.id}`),
    ])
    for (const answer of [refused, read]) {
      expect(answer.status).toBe(503)
      expect(answer.body.message).toMatch(/Redis/)
    }
    // A's own viewer was not dropped by the partition.
    expect(onA.frames.some(frame => frame.event === 'job-end')).toBe(false)
    proxy.heal()
    const { body: stored } = await user.at(b.url).get(`/api/jobs/${job.id}`)
    const framesOnA = await followToEnd(user, job.streamUrl, {}, await onA.ended.then(() => onA.frames))
    expect(rebuildStrictly(framesOnA)).toEqual({ text: stored.state.content, problems: [] })
    expect(framesOnA.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'failed', error: { code: 'owner-lost' } } })
    await expectEngineIdle(a.url, TOKEN)
    const after = await user.post('/api/jobs', { messages: [{ role: 'user', content: `after ${randomUUID()}` }] })
    expect(after.status).toBe(202)
    const final = await user.stream(after.body.streamUrl)
    expect((await final.waitFor(frame => frame.event === 'job-end')).data.status).toBe('completed')
  })
})
