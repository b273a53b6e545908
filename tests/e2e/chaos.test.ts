/**
 * Chaos, bounded and loopback only: 200 chat jobs through a round-robin proxy in front of three
 * instances on one Redis, while one instance after another is SIGKILLed and started again every
 * few seconds. Viewers reconnect through the proxy with Last-Event-ID. With recovery.chat =
 * continue every job must complete with exactly the upstream's text — continued jobs included —
 * every viewer must rebuild exactly the stored text with nothing missing or twice, and every
 * instance's engine must hold nothing at the end. Stops by itself when the jobs are done.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Cluster } from '../support/cluster'
import { CLUSTER_METRICS_TOKEN, startCluster } from '../support/cluster'
import type { ReceivedFrame } from '../support/http-client'
import { createClient, lastEventId, rebuildStrictly } from '../support/http-client'
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream'
import { startMockUpstream } from '../support/mock-upstream'
import { expectEngineIdle } from '../support/ops-client'
import { TERMINAL_STATUSES } from '../../shared/events'
import type { RoundRobinProxy } from '../support/round-robin-proxy'
import { startRoundRobinProxy } from '../support/round-robin-proxy'

const JOBS = 200
const USERS = 20
const CONCURRENCY = 20
const KILL_EVERY_MS = 2_500
const FULL_TEXT = Array.from({ length: 30 }, (_, index) => `word${index} `).join('')
/** A client retries a request or reconnects a stream after this pause (an EventSource waits 1 s). */
const RETRY_PAUSE_MS = 50
/**
 * Every this many jobs, the create is sent again once answered (the same Idempotency-Key and body),
 * as a client whose first answer was lost would: the proxy hands it to another instance. So the
 * check that no retry made a second job always has retries to check, besides the ones the kills cause.
 */
const SENT_AGAIN_EVERY = 10

type Message = { role: string, content: string | null }
const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** The text a request asks the model to continue: its trailing assistant message (a prefill), '' for none. */
function prefillOf(request: RecordedRequest): string {
  const last = ((request.body?.messages ?? []) as Message[]).at(-1)
  return last?.role === 'assistant' ? last.content ?? '' : ''
}

/** The answer, continued after the text a lost owner stored when the request ends with it (a prefill). */
function continuingAnswer(request: RecordedRequest) {
  const done = prefillOf(request)
  const rest = FULL_TEXT.startsWith(done) ? FULL_TEXT.slice(done.length) : FULL_TEXT
  const chunks = rest.match(/.{1,7}/gs) ?? []
  return { chunks, delayMs: 40 }
}

let upstream: MockUpstream
let cluster: Cluster
let proxy: RoundRobinProxy

beforeAll(async () => {
  upstream = await startMockUpstream(continuingAnswer)
  cluster = await startCluster({
    size: 3,
    env: {
      NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
      NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key',
      NUXT_BACKGROUND_JOBS_RECOVERY_CHAT: 'continue',
      NUXT_BACKGROUND_JOBS_LEASE_DURATION_MS: '1000',
      NUXT_BACKGROUND_JOBS_LEASE_HEARTBEAT_MS: '200',
      NUXT_BACKGROUND_JOBS_LIMITS_CREATE_PER_MINUTE: '100000',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS_PER_USER: '1000',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS_PER_USER: '1000',
    },
  })
  proxy = await startRoundRobinProxy(() => cluster.instances.map(instance => instance.url))
})

afterAll(async () => {
  await proxy?.close()
  await cluster?.stop()
  await upstream?.close()
})

type User = ReturnType<typeof createClient>

/**
 * Starts a job through the proxy, retrying (same Idempotency-Key) when the instance died under it,
 * and with `sendAgain` sending it once more after its answer. The job is the last answer's; `sends`
 * counts the POSTs.
 */
async function startJob(user: User, sendAgain: boolean): Promise<{ id: string, streamUrl: string, sends: number }> {
  const key = randomUUID()
  let sends = 0
  let answers = 0
  for (;;) {
    sends++
    const created = await user.post('/api/jobs', { messages: [{ role: 'user', content: `chaos ${key}` }] }, { 'idempotency-key': key }).catch(() => null)
    if (created && created.status < 300) {
      if (++answers > 1 || !sendAgain) return { ...created.body, sends }
      continue
    }
    await pause(RETRY_PAUSE_MS)
  }
}

/** The ids of every job in the user's list, read through the proxy (retrying while an instance restarts). */
async function listedJobIds(user: User): Promise<string[]> {
  for (;;) {
    const answer = await user.get('/api/jobs?limit=200').catch(() => null)
    if (answer?.status === 200) return (answer.body.jobs as Array<{ id: string }>).map(job => job.id).sort()
    await pause(RETRY_PAUSE_MS)
  }
}

/**
 * Follows a job through the proxy to its end, reconnecting with Last-Event-ID whenever cut. Counts
 * the reconnects answered with events (no snapshot first): the ones that really resumed.
 */
async function followToEnd(user: User, streamUrl: string): Promise<{ frames: ReceivedFrame[], connections: number, resumed: number }> {
  const frames: ReceivedFrame[] = []
  let connections = 0
  let resumed = 0
  while (!frames.some(frame => frame.event === 'job-end')) {
    const id = lastEventId(frames)
    const stream = await user.stream(streamUrl, id ? { 'last-event-id': id } : {}).catch(() => null)
    if (stream?.status === 200) {
      connections++
      await stream.ended
      if (id && stream.frames.length > 0 && stream.frames[0]!.event !== 'snapshot') resumed++
      frames.push(...stream.frames)
    }
    if (!frames.some(frame => frame.event === 'job-end')) await pause(RETRY_PAUSE_MS)
  }
  return { frames, connections, resumed }
}

/** Reads through the proxy this many times at most before taking an active status as the answer. */
const STATE_READS = 50
const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_STATUSES)

/**
 * Reads the stored state through the proxy (retrying while an instance restarts). The viewer saw
 * the end, but a read that lands on the owner can still answer its last active status for a
 * moment: a viewer on another instance is told of the end as it is stored, the owner once the
 * store's reply reaches it (docs/providers.md). So an active status is read again, a bounded
 * number of times; one that stays is the answer (and fails the test).
 */
async function storedState(user: User, jobId: string) {
  for (let reads = 0; ; reads++) {
    const answer = await user.get(`/api/jobs/${jobId}`).catch(() => null)
    const state = answer?.status === 200 ? answer.body.state : null
    if (state && (TERMINAL.has(state.status) || reads >= STATE_READS)) return state
    await pause(RETRY_PAUSE_MS)
  }
}

it('200 jobs through a balancer while instances are SIGKILLed and restarted: all complete, every viewer has exactly the stored text, engines end idle', async () => {
  const users = await Promise.all(Array.from({ length: USERS }, () => createClient(proxy.url).init()))
  let running = true
  let kills = 0
  const killer = (async () => {
    while (running) {
      await pause(KILL_EVERY_MS)
      if (!running) break
      await cluster.restart(kills++ % cluster.instances.length)
    }
  })()

  const results: Array<{ text: string, problems: string[], state: any, connections: number, resumed: number }> = []
  // The jobs each user's creates were answered with, and how many creates took more than one POST.
  const startedBy = new Map<User, string[]>(users.map(user => [user, []]))
  let sentAgain = 0
  let next = 0
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < JOBS) {
      const index = next++
      const user = users[index % USERS]!
      const job = await startJob(user, index % SENT_AGAIN_EVERY === 0)
      startedBy.get(user)!.push(job.id)
      if (job.sends > 1) sentAgain++
      const { frames, connections, resumed } = await followToEnd(user, job.streamUrl)
      const state = await storedState(user, job.id)
      results.push({ ...rebuildStrictly(frames), state, connections, resumed })
    }
  }))
  running = false
  await killer

  console.log(`[chaos] ${kills} kills; ${sentAgain} creates sent more than once; ${results.filter(result => result.connections > 1).length} viewers reconnected (${results.filter(result => result.resumed > 0).length} resumed with events); ${results.filter(result => (result.state.epoch ?? 1) > 1).length} jobs continued by another owner`)
  expect(results).toHaveLength(JOBS)
  // No create sent again with its Idempotency-Key made a second job: each user's list holds exactly
  // the jobs their creates were answered with (a second job would also run, and pass every check below).
  expect(sentAgain).toBeGreaterThanOrEqual(JOBS / SENT_AGAIN_EVERY)
  for (const user of users) {
    expect(await listedJobIds(user), 'a user\'s jobs: the ones their creates were answered with, and no other').toEqual([...startedBy.get(user)!].sort())
  }
  expect(kills).toBeGreaterThanOrEqual(3)
  // Some jobs really were cut: their viewers reconnected, and some were continued by another owner.
  expect(results.filter(result => result.connections > 1).length).toBeGreaterThan(0)
  // Some of those reconnects resumed from their Last-Event-ID with events: a server that answered
  // every reconnect with a whole snapshot would also rebuild the right text below.
  expect(results.filter(result => result.resumed > 0).length, 'viewers whose reconnect resumed with events').toBeGreaterThan(0)
  expect(results.filter(result => (result.state.epoch ?? 1) > 1).length).toBeGreaterThan(0)
  // Continued, not started over: some new owner sent the model the text its lost owner stored as
  // the start of its answer (a prefill, docs/providers.md), and every such start is the answer's
  // start. The checks below compare final texts only: they cannot tell a continuation from a fresh
  // answer that happens to end with the same text.
  const prefills = upstream.requests.map(prefillOf).filter(prefill => prefill !== '')
  expect(prefills.length, 'upstream requests that continued a stored text').toBeGreaterThan(0)
  for (const prefill of prefills) expect(FULL_TEXT.startsWith(prefill), `a prefill that is not the answer's start: ${JSON.stringify(prefill)}`).toBe(true)
  for (const result of results) {
    expect(result.problems).toEqual([])
    expect(result.state.status).toBe('completed')
    expect(result.state.content).toBe(FULL_TEXT)
    expect(result.text).toBe(result.state.content)
  }
  for (const instance of cluster.instances) await expectEngineIdle(instance.url, CLUSTER_METRICS_TOKEN)
}, 120_000)
