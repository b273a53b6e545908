/**
 * Three real processes of the built app on one real Redis (provider `redis`): a job started on one
 * instance is watched, aborted and answered through the others, a viewer hops between instances
 * with Last-Event-ID, and the owner is SIGKILLed mid-chat and mid-workflow. Leases are 1.5 s, so
 * every takeover happens within a couple of seconds.
 */
import { randomUUID } from 'node:crypto'
import { DefaultChatTransport, readUIMessageStream } from 'ai'
import type { UIMessage, UIMessageChunk } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Cluster } from '../support/cluster'
import { CLUSTER_LEASE_DURATION_MS, CLUSTER_LEASE_HEARTBEAT_MS, CLUSTER_METRICS_TOKEN, startCluster } from '../support/cluster'
import type { OpenStream, ReceivedFrame } from '../support/http-client'
import { createClient, lastEventId, rebuildStrictly } from '../support/http-client'
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream'
import { startMockUpstream } from '../support/mock-upstream'
import { expectEngineIdle, readMetrics } from '../support/ops-client'
import { within } from '../support/within'

const PIECES = Array.from({ length: 60 }, (_, index) => `piece ${index}; `)
const UPSTREAM_TEXT = PIECES.join('')

type Message = { role: string, content: string | null }
const userPrompt = (request: RecordedRequest) => ((request.body?.messages ?? []) as Message[]).find(message => message.role === 'user')?.content ?? ''

let upstream: MockUpstream
let cluster: Cluster

/** A draft the upstream holds mid-answer: the next draft request naming `topic` (set by `holdNextDraft`). */
let draftHold: { topic: string, arrived: () => void, resume: Promise<void> } | null = null

/**
 * Holds the next draft request for `topic` after a few pieces, until `release()`: its owner is
 * still in the draft node whenever the test acts, however late the test gets to it. `requested`
 * resolves once the request reached the upstream.
 */
function holdNextDraft(topic: string) {
  let release!: () => void
  const resume = new Promise<void>((resolve) => {
    release = resolve
  })
  const requested = new Promise<void>((resolve) => {
    draftHold = { topic, arrived: resolve, resume }
  })
  return { requested, release }
}

beforeAll(async () => {
  upstream = await startMockUpstream((request) => {
    const prompt = userPrompt(request)
    // Workflow nodes: research and draft are quick, unless a test holds the draft.
    if (prompt.startsWith('Research this topic')) return { chunks: ['Notes: ', 'tides, ', 'rocks.'], delayMs: 5 }
    if (prompt.startsWith('Write a short report')) {
      const hold = draftHold && prompt.includes(draftHold.topic) ? draftHold : null
      if (!hold) return { chunks: PIECES.slice(0, 40), delayMs: 2 }
      draftHold = null
      hold.arrived()
      return { chunks: PIECES.slice(0, 40), delayMs: 2, pauseAfterChunks: 3, resume: hold.resume }
    }
    return { chunks: PIECES, delayMs: prompt.includes('slow') ? 40 : 10 }
  })
  cluster = await startCluster({ size: 3, env: { NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key' } })
})

afterAll(async () => {
  await cluster?.stop()
  await upstream?.close()
})

const url = (index: number) => cluster.instances[index]!.url

/** The id of an input request other than `except` that a frame shows pending (an event, or a snapshot's state). */
function askOf(frame: ReceivedFrame, except?: string): string | undefined {
  if (frame.event === 'input-request') return frame.data.requestId !== except ? frame.data.requestId : undefined
  if (frame.event !== 'snapshot') return undefined
  return (frame.data.pendingInputs as Array<{ requestId: string }>).find(input => input.requestId !== except)?.requestId
}

/** True when a frame shows that node `nodeId` completed (its event, or a snapshot's state). */
function showsCompleted(frame: ReceivedFrame, nodeId: string): boolean {
  if (frame.event === 'node-end') return frame.data.nodeId === nodeId && frame.data.status === 'completed'
  return frame.event === 'snapshot' && frame.data.nodeStates[nodeId]?.status === 'completed'
}

/** What a stream received, for a failure message: `id event/node` per frame. */
function framesSeen(stream: OpenStream): string {
  return stream.frames.map(frame => `${frame.id} ${frame.event}${frame.data?.nodeId ? `/${frame.data.nodeId}` : ''}`).join(', ') || 'no frame'
}

/**
 * How long a takeover may take, and the bound of every wait in the case that kills two owners: the
 * lost owner's lease runs out (its duration after the last heartbeat), a survivor's next scan
 * claims it (one heartbeat), the resumed run reaches its question (one more heartbeat for a quick
 * draft) — times 8 for a loaded machine (a full `npm test` on two shared cores).
 */
const TAKEOVER_BUDGET_MS = 8 * (CLUSTER_LEASE_DURATION_MS + 2 * CLUSTER_LEASE_HEARTBEAT_MS)

/** Reads a stream until `count` frames arrived or it ended. */
async function readFrames(stream: Awaited<ReturnType<ReturnType<typeof createClient>['stream']>>, count: number) {
  await stream.waitFor(() => stream.frames.length >= count).catch(() => {})
  stream.close()
  return [...stream.frames]
}

describe('three instances on one Redis', () => {
  it('a job started on A streams to a viewer on B exactly; a viewer hopping A → B → C with Last-Event-ID gets no gap and no duplicate', async () => {
    const onA = await createClient(url(0)).init()
    const { body: job } = await onA.post('/api/jobs', { messages: [{ role: 'user', content: `slow ${randomUUID()}` }] })
    const viewerOnB = onA.at(url(1)).stream(job.streamUrl)

    const hops: ReceivedFrame[] = []
    for (const [index, count] of [[0, 8], [1, 8]] as const) {
      const stream = await onA.at(url(index)).stream(job.streamUrl, hops.length ? { 'last-event-id': lastEventId(hops)! } : {})
      // Each hop really is served by its instance: a refused or empty hop would leave the next one
      // to resume from the previous instance's position, and the rebuild below would still pass.
      expect(stream.status, `hop to instance ${index}`).toBe(200)
      const frames = await readFrames(stream, count)
      expect(frames.length, `frames from instance ${index}: ${framesSeen(stream)}`).toBeGreaterThanOrEqual(count)
      expect(frames.some(frame => frame.event === 'job-end'), `the job still ran while instance ${index} served: ${framesSeen(stream)}`).toBe(false)
      hops.push(...frames)
    }
    const last = await onA.at(url(2)).stream(job.streamUrl, { 'last-event-id': lastEventId(hops)! })
    expect(last.status, 'hop to instance 2').toBe(200)
    await last.ended
    hops.push(...last.frames)
    expect(last.frames.filter(frame => frame.event === 'text-delta').length, `text deltas from instance 2: ${framesSeen(last)}`).toBeGreaterThan(0)

    const fromB = await viewerOnB
    await fromB.ended
    expect(rebuildStrictly(fromB.frames)).toEqual({ text: UPSTREAM_TEXT, problems: [] })
    expect(fromB.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
    expect(rebuildStrictly(hops)).toEqual({ text: UPSTREAM_TEXT, problems: [] })
    // Each hop after the first resumed with events, not a snapshot (even a position the owner had
    // not stored yet: the remote instance waits a moment for the store).
    expect(hops.filter(frame => frame.event === 'snapshot')).toHaveLength(1)
    for (const index of [0, 1, 2]) await expectEngineIdle(url(index), CLUSTER_METRICS_TOKEN)
  })

  it('abort sent to C stops A\'s job with its text kept; answers to A\'s workflow through B and C get the owner\'s real outcome', async () => {
    const user = await createClient(url(0)).init()
    const { body: chat } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `slow ${randomUUID()}` }] })
    const watching = await user.at(url(1)).stream(chat.streamUrl)
    await watching.waitFor(frame => frame.event === 'text-delta')
    const aborted = await user.at(url(2)).post(`/api/jobs/${chat.id}/abort`)
    expect(aborted).toMatchObject({ status: 200, body: { job: { status: 'aborted' } } })
    await watching.ended
    const { body: stored } = await user.at(url(1)).get(`/api/jobs/${chat.id}`)
    expect(stored.state.status).toBe('aborted')
    expect(UPSTREAM_TEXT.startsWith(stored.state.content)).toBe(true)
    expect(rebuildStrictly(watching.frames)).toEqual({ text: stored.state.content, problems: [] })

    const { body: workflow } = await user.post('/api/jobs', { workflow: 'research-report', input: { topic: `tides ${randomUUID()}` } })
    const onB = await user.at(url(1)).stream(workflow.streamUrl)
    // The question as an event, or in B's snapshot when B's viewer connected after it was asked.
    const requestId = askOf(await onB.waitFor(frame => askOf(frame) !== undefined))
    const answer = (index: number, value: unknown) => user.at(url(index)).post(`/api/jobs/${workflow.id}/input`, { requestId, answer: value })
    const wrong = await answer(1, { approved: 'yes' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.message).toContain('approved')
    // Answered by the owner for C once the answer is stored in Redis.
    expect(await answer(2, { approved: true })).toMatchObject({ status: 200, body: { ok: true, stored: true } })
    // The same answer again is the one taken (a retry after a 503 that went through); another is a 409.
    expect(await answer(1, { approved: true })).toMatchObject({ status: 200, body: { ok: true, stored: true } })
    expect((await answer(1, { approved: false })).status).toBe(409)
    expect(await onB.waitFor(frame => frame.event === 'job-end')).toMatchObject({ data: { status: 'completed' } })
  })

  it('delete on B of a job that ran on A: gone on every instance (a viewer\'s reconnect on A is a 404); a job still running on A is a 409 on C', async () => {
    const user = await createClient(url(0)).init()
    const threadId = `thread-${randomUUID()}`
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `quick ${randomUUID()}` }], threadId })
    const viewer = await user.stream(job.streamUrl)
    await viewer.ended
    expect(viewer.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })

    expect((await user.at(url(1)).delete(`/api/jobs/${job.id}`)).status).toBe(204)
    const reconnect = await user.stream(job.streamUrl, { 'last-event-id': lastEventId(viewer.frames)! })
    expect(reconnect.status).toBe(404)
    for (const index of [0, 1, 2]) {
      expect((await user.at(url(index)).get(`/api/jobs/${job.id}`)).status, `instance ${index}`).toBe(404)
      expect((await user.at(url(index)).get(`/api/jobs?threadId=${threadId}`)).body.jobs, `instance ${index}`).toEqual([])
    }

    const { body: running } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `slow ${randomUUID()}` }] })
    const watching = await user.stream(running.streamUrl)
    await watching.waitFor(frame => frame.event === 'text-delta')
    const refused = await user.at(url(2)).delete(`/api/jobs/${running.id}`)
    expect(refused.status).toBe(409)
    expect(refused.body.message).toContain(`POST /api/jobs/${running.id}/abort`)
    expect((await user.at(url(2)).post(`/api/jobs/${running.id}/abort`)).status).toBe(200)
    await watching.ended
    expect((await user.at(url(2)).delete(`/api/jobs/${running.id}`)).status).toBe(204)
  })

  it('delete on A: a notification stream on B gets job-deleted (no title), and B\'s replay no longer carries the job\'s title', async () => {
    const user = await createClient(url(0)).init()
    const secret = `my private question ${randomUUID()}`
    const threadId = `thread-${randomUUID()}`
    const tabOnB = await user.at(url(1)).stream('/api/jobs/notifications')
    expect(tabOnB.status).toBe(200)
    // About 0.6 s of text: B's feed is subscribed long before the job ends.
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `quick ${secret}` }], threadId })
    const viewer = await user.stream(job.streamUrl)
    await viewer.ended
    // B learned of the job through the user feed (the title is in what B holds).
    const ended = await tabOnB.waitFor(frame => frame.event === 'job-end' && frame.data.jobId === job.id)
    expect(JSON.stringify(ended.data)).toContain('my private question')
    const first = tabOnB.frames.find(frame => frame.data?.jobId === job.id)!

    expect((await user.delete(`/api/jobs/${job.id}`)).status).toBe(204)
    const deleted = await tabOnB.waitFor(frame => frame.event === 'job-deleted' && frame.data.jobId === job.id)
    expect(deleted.data).toMatchObject({ jobId: job.id, threadId })
    expect(JSON.stringify(deleted.data)).not.toContain('my private question')
    tabOnB.close()

    // A tab reconnecting to B from before the job: the deletion, nothing with the title.
    const replay = await user.at(url(1)).stream('/api/jobs/notifications', { 'last-event-id': String(Number(first.id) - 1) })
    await replay.waitFor(frame => frame.event === 'job-deleted' && frame.data.jobId === job.id)
    replay.close()
    const ofJob = replay.frames.filter(frame => frame.data?.jobId === job.id)
    expect(ofJob.map(frame => frame.event)).toEqual(['job-deleted'])
    expect(JSON.stringify(replay.frames)).not.toContain('my private question')
  })

  it('AI SDK: a chat sent on A is resumed through B\'s reconnect route with the exact full text, its history read on C, stopped through any instance', async () => {
    const user = await createClient(url(0)).init()
    const transport = (index: number) => new DefaultChatTransport<UIMessage>({ api: `${url(index)}/api/jobs/chat`, headers: { cookie: user.cookie() } })
    const chatId = `chat-${randomUUID()}`
    const leave = new AbortController()
    const reader = (await transport(0).sendMessages({ chatId, messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: `slow ${randomUUID()}` }] }], trigger: 'submit-message', messageId: undefined, abortSignal: leave.signal })).getReader()
    const seen: UIMessageChunk[] = []
    while (!seen.some(chunk => chunk.type === 'text-delta')) seen.push((await reader.read()).value!)
    leave.abort()
    await reader.cancel().catch(() => {})

    const resumed = await transport(1).reconnectToStream({ chatId })
    expect(resumed).not.toBeNull()
    let message: UIMessage | undefined
    for await (const snapshot of readUIMessageStream<UIMessage>({ stream: resumed! })) message = snapshot
    expect(message!.id).toBe((seen[0] as { messageId: string }).messageId)
    expect(message!.parts.filter(part => part.type === 'text').map(part => (part as { text: string }).text)).toEqual([UPSTREAM_TEXT])
    expect(await transport(2).reconnectToStream({ chatId })).toBeNull()
    const history = await user.at(url(2)).get(`/api/jobs/chat/${chatId}/messages`)
    expect(history.status).toBe(200)
    expect(JSON.stringify(history.body)).toContain(UPSTREAM_TEXT)

    // A second turn runs on A; its stop request goes to C and reaches the owner.
    const second = (await transport(0).sendMessages({ chatId, messages: [{ id: 'u2', role: 'user', parts: [{ type: 'text', text: `slow ${randomUUID()}` }] }], trigger: 'submit-message', messageId: undefined, abortSignal: undefined })).getReader()
    const chunks: UIMessageChunk[] = []
    while (!chunks.some(chunk => chunk.type === 'text-delta')) chunks.push((await second.read()).value!)
    const stopped = await user.at(url(2)).post(`/api/jobs/chat/${chatId}/abort`)
    expect(stopped.status).toBe(200)
    expect(stopped.body.jobs).toHaveLength(1)
    for (let next = await second.read(); !next.done; next = await second.read()) chunks.push(next.value)
    expect(chunks.at(-1)).toMatchObject({ type: 'abort' })
  })

  it('SIGKILL of the owner mid-chat: another instance ends it failed (owner-lost) with the stored text once its lease expires', async () => {
    const user = await createClient(url(2)).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `slow ${randomUUID()}` }] })
    const onA = await user.at(url(0)).stream(job.streamUrl)
    // A's frames come from the store (the job runs on C): once some arrived, there is stored text to keep.
    await onA.waitFor(() => onA.frames.filter(frame => frame.event === 'text-delta').length >= 5)
    await cluster.kill(2)
    // Bounded by the lease and heartbeat the cluster runs with, not by a wall-clock assert.
    const end = await within(onA.waitFor(frame => frame.event === 'job-end'), TAKEOVER_BUDGET_MS, () => `a takeover ending the job owner-lost; A got ${framesSeen(onA)}`)
    expect(end.data).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })
    const { body } = await user.at(url(1)).get(`/api/jobs/${job.id}`)
    expect(body.state.content.length).toBeGreaterThan(0)
    expect(UPSTREAM_TEXT.startsWith(body.state.content)).toBe(true)
    expect(rebuildStrictly(onA.frames)).toEqual({ text: body.state.content, problems: [] })
  })

  it('SIGKILL of the owner mid-workflow, then of the next owner while it waits: each takeover resumes from the last finished node; any instance answers', async () => {
    await cluster.restart(2)
    const user = await createClient(url(0)).init()
    const topic = `held ${randomUUID()}`
    const draft = holdNextDraft(topic)
    const { body: job } = await user.post('/api/jobs', { workflow: 'research-report', input: { topic } })
    // B reads the job from the store (it runs on A): B showing research completed means it is
    // stored, so no takeover runs it again. The viewer may join at any point (a snapshot then
    // holds what it missed), and A cannot get past the draft while the upstream holds it.
    const viewer = await user.at(url(1)).stream(job.streamUrl)
    await within(viewer.waitFor(frame => showsCompleted(frame, 'research')), TAKEOVER_BUDGET_MS, () => `research stored; B got ${framesSeen(viewer)}`)
    await within(draft.requested, TAKEOVER_BUDGET_MS, () => 'A asking the upstream for the draft')
    await cluster.kill(0)
    draft.release()

    // The next owner re-runs the unfinished draft and asks for approval; then it dies too.
    const firstAsk = await within(viewer.waitFor(frame => askOf(frame) !== undefined), TAKEOVER_BUDGET_MS, () => `a takeover of A's job asking for approval; B got ${framesSeen(viewer)}`)
    const firstRequestId = askOf(firstAsk)!
    const owners = await Promise.all([1, 2].map(async index => (await readMetrics(url(index), CLUSTER_METRICS_TOKEN)).engine.runs as number))
    expect(owners.filter(runs => runs > 0), `runs on B and C once the job waits: ${owners}`).toHaveLength(1)
    const second = owners[0]! > 0 ? 1 : 2
    const survivor = second === 1 ? 2 : 1
    await cluster.kill(second)
    // On the survivor, the viewer goes on (or, when it was on the killed instance, resumes from where it was).
    let watching = viewer
    const asksAgain = (stream: OpenStream) => stream.waitFor(frame => askOf(frame, firstRequestId) !== undefined)
    const secondAsk = await within(asksAgain(viewer).catch(async () => {
      watching = await user.at(url(survivor)).stream(job.streamUrl, { 'last-event-id': lastEventId(viewer.frames)! })
      return await asksAgain(watching)
    }), TAKEOVER_BUDGET_MS, () => `instance ${survivor} taking the job over from instance ${second} and asking again; it got ${framesSeen(watching)}`)
    const secondRequestId = askOf(secondAsk, firstRequestId)!
    viewer.close()
    watching.close()
    // The first request was voided by the takeover: answering it now is a conflict.
    expect((await user.at(url(survivor)).post(`/api/jobs/${job.id}/input`, { requestId: firstRequestId, answer: { approved: true } })).status).toBe(409)
    expect((await user.at(url(survivor)).post(`/api/jobs/${job.id}/input`, { requestId: secondRequestId, answer: { approved: true } })).status).toBe(200)
    const final = await user.at(url(survivor)).stream(job.streamUrl)
    await final.ended
    const state = final.frames[0]!.data
    expect(final.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
    expect(state.executionOrder.filter((node: string) => node === 'research')).toHaveLength(1)
    expect(upstream.requests.filter(request => userPrompt(request) === `Research this topic: ${topic}`)).toHaveLength(1)
    expect(upstream.requests.filter(request => userPrompt(request).startsWith(`Write a short report on ${topic}`))).toHaveLength(2)
    expect(state.answeredInputs.map((input: { answeredBy: string }) => input.answeredBy)).toEqual(['system:owner-lost', expect.stringMatching(/^anon_/)])
  })
})
