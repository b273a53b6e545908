/**
 * An owner cut off from Redis (a TCP proxy between instance A and Redis that stops forwarding, as
 * a restart, failover or network cut looks from A) while it runs a chat, within its lease: it
 * serves its own job from memory — a viewer reconnecting with Last-Event-ID gets no gap and no
 * duplicate and then the live tail, a new viewer a snapshot, a read the live state, also once the
 * answer is over and its end waits for Redis (then the end once stored) — while
 * a job B runs, and another user's request for A's job (answered as a missing job is), are a 503 naming Redis. Once healed, the
 * job ends and the store holds exactly the text the viewers saw. The same for the AI SDK's resume
 * (`GET /api/jobs/chat/:chatId/stream`) of a chat turn A runs.
 */
import { randomUUID } from 'node:crypto'
import { DefaultChatTransport, readUIMessageStream } from 'ai'
import type { UIMessage, UIMessageChunk } from 'ai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { createClient, lastEventId, rebuildStrictly, showsText } from '../support/http-client'
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream'
import { startMockUpstream, userMessageOf } from '../support/mock-upstream'
import { expectEngineIdle } from '../support/ops-client'
import type { RedisPartitionProxy } from '../support/redis-partition-proxy'
import { startRedisPartitionProxy } from '../support/redis-partition-proxy'
import { freePort } from '../support/free-port'
import { useRedisServer } from '../support/redis-server'

const TOKEN = 'owner-serves-during-outage-metrics'
const PIECES = Array.from({ length: 20 }, (_, index) => `piece ${index}; `)
const HELD_AT = 10

const redis = useRedisServer()
let proxy: RedisPartitionProxy
let upstream: MockUpstream
let a: AppServer
let b: AppServer
/** Releases of the answers held after HELD_AT pieces, by prompt. */
const releases = new Map<string, () => void>()

function release(prompt: string) {
  releases.get(prompt)?.()
}

beforeAll(async () => {
  proxy = await startRedisPartitionProxy(redis.url, await freePort())
  upstream = await startMockUpstream((request: RecordedRequest) => {
    const prompt = userMessageOf(request)
    const resume = new Promise<void>((resolve) => {
      releases.set(prompt, resolve)
    })
    return { chunks: PIECES, delayMs: 5, pauseAfterChunks: HELD_AT, resume }
  })
  const env = {
    NUXT_BACKGROUND_JOBS_PROVIDER: 'redis',
    NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'a-secret-every-instance-shares-0123456789',
    NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN,
    // The cut is much shorter than the lease: A surely holds its job all along.
    NUXT_BACKGROUND_JOBS_LEASE_DURATION_MS: '60000',
    NUXT_BACKGROUND_JOBS_LEASE_HEARTBEAT_MS: '1000',
    NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
    NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key',
  }
  // One after the other, so a failed start leaves nothing running (afterAll stops what started).
  a = await startAppServer({ ...env, NUXT_BACKGROUND_JOBS_REDIS_URL: proxy.url, NUXT_BACKGROUND_JOBS_INSTANCE_ID: 'instance-a' })
  b = await startAppServer({ ...env, NUXT_BACKGROUND_JOBS_REDIS_URL: redis.url, NUXT_BACKGROUND_JOBS_INSTANCE_ID: 'instance-b' })
})

afterEach(() => {
  proxy?.heal()
  for (const resolve of releases.values()) resolve()
})

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  await proxy?.close()
  await upstream?.close()
})

/** The AI SDK's stock transport of `user` on `url`. */
function transportOf(user: ReturnType<typeof createClient>, url: string) {
  return new DefaultChatTransport<UIMessage>({ api: `${url}/api/jobs/chat`, headers: { cookie: user.cookie() } })
}

/** Starts a chat turn in `chat` through the transport; resolves with its job id once its first text arrived (the response is left). */
async function startChatTurn(transport: DefaultChatTransport<UIMessage>, chat: string, prompt: string): Promise<string> {
  const leave = new AbortController()
  const messages: UIMessage[] = [{ id: `u-${randomUUID()}`, role: 'user', parts: [{ type: 'text', text: prompt }] }]
  const reader = (await transport.sendMessages({ chatId: chat, messages, trigger: 'submit-message', messageId: undefined, abortSignal: leave.signal })).getReader()
  const seen: UIMessageChunk[] = []
  while (!seen.some(chunk => chunk.type === 'text-delta')) seen.push((await reader.read()).value!)
  leave.abort()
  await reader.cancel().catch(() => {})
  return (seen[0] as { messageId: string }).messageId
}

function textOf(message: UIMessage | undefined): string {
  return message?.parts.map(part => (part.type === 'text' ? part.text : '')).join('') ?? ''
}

describe('an owner cut off from Redis serves the job it runs', () => {
  it('a reconnecting viewer resumes with no gap or duplicate and gets the live tail, reads answer the live state, viewers arriving while the end waits for Redis get the text then the end, a job run elsewhere and another user\'s ask 503; once healed the store holds what viewers saw', async () => {
    const user = await createClient(a.url).init()
    const stranger = await createClient(a.url).init()
    const promptA = `on A ${randomUUID()}`
    const promptB = `on B ${randomUUID()}`
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: promptA }] })
    const { body: jobOnB } = await user.at(b.url).post('/api/jobs', { messages: [{ role: 'user', content: promptB }] })
    const onB = await user.at(b.url).stream(jobOnB.streamUrl)
    await onB.waitFor(showsText)
    // A first viewer sees the answer up to where the upstream holds it, then goes away.
    const first = await user.stream(job.streamUrl)
    const heldText = PIECES.slice(0, HELD_AT).join('')
    await first.waitFor(() => rebuildStrictly(first.frames).text === heldText)
    first.close()

    proxy.partition()
    // Served by A from memory: no wait for Redis.
    const read = await user.get(`/api/jobs/${job.id}`)
    expect(read.status).toBe(200)
    expect(read.body.job.status).toBe('running')
    expect(read.body.state).toMatchObject({ status: 'running', content: heldText })
    // Reconnecting with Last-Event-ID: nothing missed yet, so nothing sent yet; a new viewer: a snapshot.
    // One connection all along: a quiet resumed viewer is neither cut nor starved of the live tail.
    const resumed = await user.stream(job.streamUrl, { 'last-event-id': lastEventId(first.frames)! })
    expect(resumed.status).toBe(200)
    const fresh = await user.stream(job.streamUrl)
    expect(fresh.status).toBe(200)
    expect(await fresh.waitFor(frame => frame.event === 'snapshot')).toMatchObject({ data: { content: heldText } })
    // A job A does not run: 503 naming Redis (after the command timeout), never a 404. Another
    // user's request for A's job is asked of the store as a missing job would be: the same 503,
    // not a 404 from memory that would tell the id names a job running here.
    const answers = await Promise.all([user.get(`/api/jobs/${jobOnB.id}`), user.get(jobOnB.streamUrl), stranger.get(`/api/jobs/${job.id}`), stranger.get(job.streamUrl)])
    for (const answer of answers) {
      expect(answer.status).toBe(503)
      expect(answer.body.message).toMatch(/Redis/)
    }
    expect(resumed.frames).toEqual([])

    // The live tail reaches the resumed and the new viewer while A is still cut off; its end waits for the store.
    release(promptA)
    const whole = PIECES.join('')
    await resumed.waitFor(() => rebuildStrictly([...first.frames, ...resumed.frames]).text === whole)
    await fresh.waitFor(() => rebuildStrictly(fresh.frames).text === whole)
    expect([resumed.frames, fresh.frames].some(frames => frames.some(frame => frame.event === 'job-end'))).toBe(false)
    // The answer's last step is over, so the run is ending: its end numbered, waiting for Redis
    // (the runner returns within the same turn as its step-end). A reload now — a new viewer, or
    // one resuming from Last-Event-ID — is attached from memory like one a moment earlier: the
    // whole text without the unstored end (a read answers `running`), then the end once stored.
    await fresh.waitFor(frame => frame.event === 'step-end')
    const late = await user.stream(job.streamUrl)
    expect(late.status).toBe(200)
    expect(await late.waitFor(frame => frame.event === 'snapshot')).toMatchObject({ data: { status: 'running', content: whole } })
    const lateResumed = await user.stream(job.streamUrl, { 'last-event-id': lastEventId(first.frames)! })
    expect(lateResumed.status).toBe(200)
    await lateResumed.waitFor(() => rebuildStrictly([...first.frames, ...lateResumed.frames]).text === whole)
    const lateRead = await user.get(`/api/jobs/${job.id}`)
    expect(lateRead.status).toBe(200)
    expect(lateRead.body.job.status).toBe('running')
    expect(lateRead.body.state).toMatchObject({ status: 'running', content: whole })
    const viewers = [resumed, fresh, late, lateResumed]
    expect(viewers.some(viewer => viewer.frames.some(frame => frame.event === 'job-end'))).toBe(false)

    proxy.heal()
    release(promptB)
    for (const viewer of viewers) {
      expect((await viewer.waitFor(frame => frame.event === 'job-end')).data.status).toBe('completed')
      // The end is the last frame, once, and the stream closes after it.
      await viewer.ended
      expect(viewer.frames.filter(frame => frame.event === 'job-end')).toHaveLength(1)
      expect(viewer.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
    }
    expect(rebuildStrictly([...first.frames, ...resumed.frames])).toEqual({ text: whole, problems: [] })
    expect(rebuildStrictly([...first.frames, ...lateResumed.frames])).toEqual({ text: whole, problems: [] })
    expect(rebuildStrictly(fresh.frames)).toEqual({ text: whole, problems: [] })
    expect(rebuildStrictly(late.frames)).toEqual({ text: whole, problems: [] })
    // What the store holds (read on B, from Redis) is exactly what the viewers saw.
    const { body: stored } = await user.at(b.url).get(`/api/jobs/${job.id}`)
    expect(stored.state).toMatchObject({ status: 'completed', content: whole })
    expect((await onB.waitFor(frame => frame.event === 'job-end')).data.status).toBe('completed')
    await expectEngineIdle(a.url, TOKEN)
    await expectEngineIdle(b.url, TOKEN)
  })
  it('an abort sent to the owner stops its run at once and answers once the aborted end is stored; an input answer is a 503 (its rate limit is counted in Redis)', async () => {
    const user = await createClient(a.url).init()
    const prompt = `abort on A ${randomUUID()}`
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: prompt }] })
    const viewer = await user.stream(job.streamUrl)
    const heldText = PIECES.slice(0, HELD_AT).join('')
    await viewer.waitFor(() => rebuildStrictly(viewer.frames).text === heldText)

    proxy.partition()
    const aborting = user.post(`/api/jobs/${job.id}/abort`)
    const answered = await user.post(`/api/jobs/${job.id}/input`, { requestId: 'none', answer: true })
    expect(answered.status).toBe(503)
    expect(answered.body.message).toMatch(/Redis/)
    // Acted on at once: the upstream request is cancelled while A is still cut off.
    await expect.poll(() => upstream.requests.find(request => userMessageOf(request) === prompt)?.aborted).toBe(true)
    expect(viewer.frames.some(frame => frame.event === 'job-end')).toBe(false)

    proxy.heal()
    expect(await aborting).toMatchObject({ status: 200, body: { job: { status: 'aborted' } } })
    expect((await viewer.waitFor(frame => frame.event === 'job-end')).data.status).toBe('aborted')
    const { body: stored } = await user.at(b.url).get(`/api/jobs/${job.id}`)
    expect(stored.state).toMatchObject({ status: 'aborted', content: rebuildStrictly(viewer.frames).text })
    await expectEngineIdle(a.url, TOKEN)
  })

  it('the AI SDK stop of a chat turn A runs stops it from memory and answers once the aborted end is stored; a chat run on B stays a 503 naming Redis', async () => {
    const user = await createClient(a.url).init()
    const chat = `chat-${randomUUID()}`
    const chatOnB = `chat-${randomUUID()}`
    const prompt = `stop on A ${randomUUID()}`
    const promptB = `stop on B ${randomUUID()}`
    const jobId = await startChatTurn(transportOf(user, a.url), chat, prompt)
    await startChatTurn(transportOf(user, b.url), chatOnB, promptB)
    const viewer = await user.stream(`/api/jobs/${jobId}/stream`)
    const heldText = PIECES.slice(0, HELD_AT).join('')
    await viewer.waitFor(() => rebuildStrictly(viewer.frames).text === heldText)

    proxy.partition()
    // What a useChat app calls next to stop(): the turn A runs is stopped without Redis.
    const stopping = user.post(`/api/jobs/chat/${chat}/abort`)
    // Both ask Redis for the chat's turns first; B's chat has none here, so it stays a 503 once
    // the command times out — by then A's own turn was found in memory and stopped.
    const elsewhere = await user.post(`/api/jobs/chat/${chatOnB}/abort`)
    expect(elsewhere.status).toBe(503)
    expect(elsewhere.body.message).toMatch(/Redis/)
    await expect.poll(() => upstream.requests.find(request => userMessageOf(request) === prompt)?.aborted).toBe(true)
    expect(viewer.frames.some(frame => frame.event === 'job-end')).toBe(false)

    proxy.heal()
    release(promptB)
    const stopped = await stopping
    expect(stopped.status).toBe(200)
    expect(stopped.body.jobs).toEqual([expect.objectContaining({ id: jobId, status: 'aborted' })])
    expect((await viewer.waitFor(frame => frame.event === 'job-end')).data.status).toBe('aborted')
    const { body: stored } = await user.at(b.url).get(`/api/jobs/${jobId}`)
    expect(stored.state).toMatchObject({ status: 'aborted', content: rebuildStrictly(viewer.frames).text })
    await expectEngineIdle(a.url, TOKEN)
    await expectEngineIdle(b.url, TOKEN)
  })

  it('the AI SDK resume of a chat turn A runs replays it and tails it from memory, also once its end waits for Redis; a stranger and a chat run on B are 503 naming Redis', async () => {
    const user = await createClient(a.url).init()
    const stranger = await createClient(a.url).init()
    const chat = `chat-${randomUUID()}`
    const chatOnB = `chat-${randomUUID()}`
    const prompt = `chat on A ${randomUUID()}`
    const promptB = `chat on B ${randomUUID()}`
    const jobId = await startChatTurn(transportOf(user, a.url), chat, prompt)
    await startChatTurn(transportOf(user, b.url), chatOnB, promptB)
    // A's turn has reached the held point (the native stream shows it) before the cut.
    const viewer = await user.stream(`/api/jobs/${jobId}/stream`)
    const heldText = PIECES.slice(0, HELD_AT).join('')
    await viewer.waitFor(() => rebuildStrictly(viewer.frames).text === heldText)
    viewer.close()

    proxy.partition()
    // What useChat's resumeStream() calls: the running turn, replayed from its start, without Redis.
    const resumed = await transportOf(user, a.url).reconnectToStream({ chatId: chat })
    expect(resumed).not.toBeNull()
    // Without Redis, A cannot tell a stranger's chat or one B runs from none: 503 naming Redis, never a 204 or the stream.
    const [strangers, elsewhere] = await Promise.all([stranger.get(`/api/jobs/chat/${chat}/stream`), user.get(`/api/jobs/chat/${chatOnB}/stream`)])
    for (const answer of [strangers, elsewhere]) {
      expect(answer.status).toBe(503)
      expect(answer.body).toMatch(/Redis/) // as text: the route the AI SDK transport calls (ai-sdk.md, Refused requests)
    }
    // A native viewer attached before the turn goes on sees its step-end live (one attached after
    // it would get a snapshot instead).
    const native = await user.stream(`/api/jobs/${jobId}/stream`)
    await native.waitFor(frame => frame.event === 'snapshot')
    release(prompt)
    const whole = PIECES.join('')
    const messages = readUIMessageStream<UIMessage>({ stream: resumed! })[Symbol.asyncIterator]()
    let last: UIMessage | undefined
    // The live tail arrives while A is still cut off; the finish waits for the end to be stored.
    while (textOf(last) !== whole) {
      const next = await messages.next()
      if (next.done) break
      last = next.value
    }
    expect(textOf(last)).toBe(whole)
    expect(last!.id).toBe(jobId)
    // The turn's last step is over (its end waits for Redis): a reload's resume still replays it from memory.
    await native.waitFor(frame => frame.event === 'step-end')
    native.close()
    const resumedLate = await transportOf(user, a.url).reconnectToStream({ chatId: chat })
    expect(resumedLate).not.toBeNull()

    proxy.heal()
    release(promptB)
    for (let next = await messages.next(); !next.done; next = await messages.next()) last = next.value
    expect(textOf(last)).toBe(whole)
    expect(last!.parts.filter(part => part.type === 'text')).toHaveLength(1)
    let lastLate: UIMessage | undefined
    for await (const message of readUIMessageStream<UIMessage>({ stream: resumedLate! })) lastLate = message
    expect(textOf(lastLate)).toBe(whole)
    expect(lastLate!.id).toBe(jobId)
    expect(lastLate!.parts.filter(part => part.type === 'text')).toHaveLength(1)
    const { body: stored } = await user.at(b.url).get(`/api/jobs/${jobId}`)
    expect(stored.state).toMatchObject({ status: 'completed', content: whole })
    await expectEngineIdle(a.url, TOKEN)
    await expectEngineIdle(b.url, TOKEN)
  })
})
