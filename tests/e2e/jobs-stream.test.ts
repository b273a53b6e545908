/**
 * The engine core over real HTTP: a real server process (the fixture app that only `extends`
 * the layer) talking to a real mock upstream on a random port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { createClient, showsText, textFromFrames } from '../support/http-client'
import type { MockUpstream } from '../support/mock-upstream'
import { startMockUpstream } from '../support/mock-upstream'

// 120 chunks with multibyte text and emoji, so offsets in UTF-16 units are exercised.
const CHUNKS = Array.from({ length: 120 }, (_, index) => `${index % 7 === 0 ? '😀' : ''}chunk ${index} é; `)
const UPSTREAM_TEXT = CHUNKS.join('')

let upstream: MockUpstream
let app: AppServer

/** A prompt the upstream answers with one piece, then holds until `releaseHeld` (a quiet running job). */
const HOLD_PROMPT = 'Hold after the first piece'
let releaseHeld!: () => void
const held = new Promise<void>((resolve) => {
  releaseHeld = resolve
})

beforeAll(async () => {
  upstream = await startMockUpstream((request) => {
    const messages = request.body?.messages as Array<{ content: string }> | undefined
    if (messages?.at(-1)?.content === HOLD_PROMPT) return { chunks: ['Held', ' answer.'], pauseAfterChunks: 1, resume: held }
    return { chunks: CHUNKS, delayMs: 8 }
  })
  app = await startAppServer({
    NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
    NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-test-secret-key-123456',
    NUXT_BACKGROUND_JOBS_UPSTREAM_ALLOWED_MODELS: 'openai/gpt-4o-mini, test/cheap-model',
    // Longer than any test: a stream that only opens at its first heartbeat times the test out.
    NUXT_BACKGROUND_JOBS_STREAM_HEARTBEAT_MS: '600000',
  })
})

afterAll(async () => {
  await app?.stop()
  await upstream?.close()
})

const chatBody = { messages: [{ role: 'user', content: 'Tell me something' }] }

describe('jobs over HTTP', () => {
  it('starts a job (202) that is joinable the moment POST returns', async () => {
    const user = await createClient(app.url).init()
    const created = await user.post('/api/jobs', chatBody)
    expect(created.status).toBe(202)
    expect(created.body).toMatchObject({ status: 'queued', streamUrl: `/api/jobs/${created.body.id}/stream` })
    const stream = await user.stream(created.body.streamUrl)
    expect(stream.status).toBe(200)
    expect(stream.headers.get('content-type')).toContain('text/event-stream')
    await stream.waitFor(frame => frame.event === 'job-end')
    expect(stream.frames[0]!.event).toBe('snapshot')
    expect(textFromFrames(stream.frames)).toBe(UPSTREAM_TEXT)
    // Merged in 50 ms windows: far fewer frames than upstream chunks.
    expect(stream.frames.filter(frame => frame.event === 'text-delta').length).toBeLessThan(CHUNKS.length)
  })

  it('disconnect half-way, reconnect with Last-Event-ID → exactly the upstream text, no gap, no duplicate', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', chatBody)
    const first = await user.stream(job.streamUrl)
    await first.waitFor(frame => frame.event === 'text-delta' && frame.data.offset + frame.data.text.length > UPSTREAM_TEXT.length / 2)
    first.close()
    const lastId = first.frames.at(-1)!.id!
    const second = await user.stream(job.streamUrl, { 'last-event-id': lastId })
    await second.waitFor(frame => frame.event === 'job-end')
    // A replay, not a snapshot: it starts right after what the first connection had.
    expect(second.frames[0]!.event).not.toBe('snapshot')
    expect(Number(second.frames[0]!.id)).toBeGreaterThan(Number(lastId))
    const ids = [...first.frames, ...second.frames].map(frame => Number(frame.id))
    expect(new Set(ids).size).toBe(ids.length)
    expect(textFromFrames([...first.frames, ...second.frames])).toBe(UPSTREAM_TEXT)
    const snapshot = await user.get(`/api/jobs/${job.id}`)
    expect(snapshot.body.state.content).toBe(UPSTREAM_TEXT)
  })

  it('?after= and ?lastEventId= work like Last-Event-ID; garbage or future ids get a snapshot', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', chatBody)
    for (const after of ['garbage', '99999999', '-1']) {
      const stream = await user.stream(`${job.streamUrl}?after=${after}`)
      await stream.waitFor(() => true)
      expect(stream.frames[0]!.event).toBe('snapshot')
      stream.close()
    }
    const stream = await user.stream(`${job.streamUrl}?after=1`)
    await stream.waitFor(frame => frame.event === 'job-end')
    expect(stream.frames[0]!.event).not.toBe('snapshot')
    // EventSource polyfills that cannot set the header send the id as ?lastEventId=.
    const polyfilled = await user.stream(`${job.streamUrl}?lastEventId=1`)
    await polyfilled.waitFor(frame => frame.event === 'job-end')
    expect(polyfilled.frames[0]!.event).not.toBe('snapshot')
    expect(polyfilled.frames[0]!.id).toBe(stream.frames[0]!.id)
    expect(textFromFrames(polyfilled.frames)).toBe(textFromFrames(stream.frames))
  })

  it('another user gets 404 on read, stream, abort and input', async () => {
    const owner = await createClient(app.url).init()
    const stranger = await createClient(app.url).init()
    const { body: job } = await owner.post('/api/jobs', chatBody)
    expect((await stranger.get(`/api/jobs/${job.id}`)).status).toBe(404)
    expect((await stranger.stream(job.streamUrl)).status).toBe(404)
    expect((await stranger.post(`/api/jobs/${job.id}/abort`)).status).toBe(404)
    expect((await stranger.post(`/api/jobs/${job.id}/input`, { requestId: 'x', answer: 'approve' })).status).toBe(404)
    expect((await stranger.get('/api/jobs')).body.jobs).toEqual([])
    expect((await owner.get(`/api/jobs/${job.id}`)).status).toBe(200)
  })

  it('abort mid-stream keeps the partial text and ends with job-end aborted; abort is idempotent', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', chatBody)
    const stream = await user.stream(job.streamUrl)
    await stream.waitFor(frame => frame.event === 'text-delta')
    const aborted = await user.post(`/api/jobs/${job.id}/abort`)
    expect(aborted.status).toBe(200)
    expect(aborted.body.job.status).toBe('aborted')
    const end = await stream.waitFor(frame => frame.event === 'job-end')
    expect(end.data.status).toBe('aborted')
    expect(stream.frames.at(-1)!.event).toBe('job-end')
    await stream.ended
    const partial = textFromFrames(stream.frames)
    expect(partial.length).toBeGreaterThan(0)
    expect(partial.length).toBeLessThan(UPSTREAM_TEXT.length)
    expect(UPSTREAM_TEXT.startsWith(partial)).toBe(true)
    expect((await user.post(`/api/jobs/${job.id}/abort`)).body.job.status).toBe('aborted')
    const { body } = await user.get(`/api/jobs/${job.id}`)
    expect(body.state.content).toBe(partial)
    // The upstream request was really aborted.
    await expect.poll(() => upstream.requests.some(request => request.aborted)).toBe(true)
  })

  it('a finished job replays from the same URL (snapshot + job-end, then closes); a fully seen one is 204', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', chatBody)
    const live = await user.stream(job.streamUrl)
    const end = await live.waitFor(frame => frame.event === 'job-end')
    const replay = await user.stream(job.streamUrl)
    await replay.ended
    expect(replay.frames.map(frame => frame.event)).toEqual(['snapshot', 'job-end'])
    expect(replay.frames[1]!.id).toBe(end.id)
    expect(textFromFrames(replay.frames)).toBe(UPSTREAM_TEXT)
    const seen = await user.stream(job.streamUrl, { 'last-event-id': end.id! })
    expect(seen.status).toBe(204)
  })

  it('a resumed viewer of a quiet running job that missed nothing gets its response at once', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: HOLD_PROMPT }] })
    const first = await user.stream(job.streamUrl)
    // Its first piece, as a text delta or already in the snapshot (when the viewer connected after it).
    const piece = await first.waitFor(showsText)
    first.close()
    // Nothing new will come until the upstream is released: the headers must not wait for it.
    const resumed = await user.stream(job.streamUrl, { 'last-event-id': piece.id! })
    expect(resumed.status).toBe(200)
    expect(resumed.headers.get('content-type')).toContain('text/event-stream')
    expect(resumed.frames).toEqual([])
    releaseHeld()
    await resumed.waitFor(frame => frame.event === 'job-end')
    expect(resumed.frames[0]!.event).toBe('text-delta')
    expect(textFromFrames([...first.frames, ...resumed.frames])).toBe('Held answer.')
  })

  it('lists the user\'s jobs with filters, and validates bodies with a 400 naming the field', async () => {
    const user = await createClient(app.url).init()
    await user.post('/api/jobs', { ...chatBody, threadId: 'thread-a' })
    await user.post('/api/jobs', { ...chatBody, threadId: 'thread-b' })
    const listed = await user.get('/api/jobs?threadId=thread-a')
    expect(listed.body.jobs).toHaveLength(1)
    expect(listed.body.jobs[0].threadId).toBe('thread-a')
    expect((await user.get('/api/jobs?status=bogus')).status).toBe(400)
    const bad = await user.post('/api/jobs', { messages: [{ role: 'user', content: 42 }] })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toContain('messages.0.content')
    expect((await user.post('/api/jobs', 'not json')).status).toBe(400)
    const huge = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'x'.repeat(300_000) }] })
    expect(huge.status).toBe(413)
    // A body that is not declared JSON (what a cross-site form could send) is refused.
    const plain = await fetch(`${app.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(chatBody) })
    expect(plain.status).toBe(415)
    // Without a Content-Length (chunked), the limit still holds while reading.
    const chunks = [Buffer.from('{"messages":[{"role":"user","content":"'), ...Array.from({ length: 40 }, () => Buffer.alloc(10_000, 120)), Buffer.from('"}]}')]
    const chunked = await fetch(`${app.url}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({ pull(controller) { const next = chunks.shift(); if (next) controller.enqueue(next); else controller.close() } }),
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)
  })

  it('a request may only name an allowed model', async () => {
    const user = await createClient(app.url).init()
    const refused = await user.post('/api/jobs', { ...chatBody, model: 'vendor/expensive-model' })
    expect(refused.status).toBe(400)
    expect(refused.body.message).toContain('upstream.allowedModels')
    const before = upstream.requests.length
    const { body: job } = await user.post('/api/jobs', { ...chatBody, model: 'test/cheap-model' })
    await (await user.stream(job.streamUrl)).waitFor(frame => frame.event === 'job-end')
    expect(upstream.requests[before]!.body!.model).toBe('test/cheap-model')
  })

  it('Idempotency-Key returns the same job on retry', async () => {
    const user = await createClient(app.url).init()
    const first = await user.post('/api/jobs', chatBody, { 'idempotency-key': 'retry-1' })
    const again = await user.post('/api/jobs', chatBody, { 'idempotency-key': 'retry-1' })
    expect(again.body.id).toBe(first.body.id)
    expect(again.status).toBe(200)
    // Keys are compared whole: one past the limit is refused, never cut to collide with another.
    const long = 'k'.repeat(200)
    expect((await user.post('/api/jobs', chatBody, { 'idempotency-key': long })).status).toBe(202)
    const tooLong = await user.post('/api/jobs', chatBody, { 'idempotency-key': `${long}-other-request` })
    expect(tooLong.status).toBe(400)
    expect(tooLong.body.message).toContain('Idempotency-Key')
  })

  it('never leaks the API key into responses or logs', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', chatBody)
    const stream = await user.stream(job.streamUrl)
    await stream.waitFor(frame => frame.event === 'job-end')
    expect(JSON.stringify(stream.frames)).not.toContain('sk-test-secret')
    expect(app.output()).not.toContain('sk-test-secret')
    expect(upstream.requests.at(-1)!.headers.authorization).toBe('Bearer sk-test-secret-key-123456')
  })
})

describe('feature flag', () => {
  it('enabled=false → 503 naming the flag on every route', async () => {
    const off = await startAppServer({ NUXT_BACKGROUND_JOBS_ENABLED: 'false' })
    try {
      const user = createClient(off.url)
      for (const response of [await user.post('/api/jobs', chatBody), await user.get('/api/jobs'), await user.get('/api/jobs/some-id/stream')]) {
        expect(response.status).toBe(503)
        expect(response.body.message).toContain('NUXT_BACKGROUND_JOBS_ENABLED')
      }
    }
    finally {
      await off.stop()
    }
  })
})
