/**
 * gzip on the job stream, over real HTTP: with `Accept-Encoding: gzip` the stream is gzip'd and
 * every frame is flushed on its own (a client decodes the snapshot and the text so far while the
 * upstream is silent and the job still runs); decoded frames equal an uncompressed read; with
 * `stream.compression` off there is no content-encoding. The client here is raw node:http, so
 * nothing decompresses behind the test's back.
 */
import { request } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { createGunzip } from 'node:zlib'
import { createParser } from 'eventsource-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import type { MockUpstream } from '../support/mock-upstream'
import { startMockUpstream } from '../support/mock-upstream'
import { frameData } from '../support/http-client'

const CHUNKS = Array.from({ length: 30 }, (_, index) => `word${index} é😀 `)
const HANG_AFTER_CHUNKS = 12
const BEFORE_HANG_TEXT = CHUNKS.slice(0, HANG_AFTER_CHUNKS).join('')

interface RawFrame { id: string | undefined, event: string, data: any }

/** A stream read over node:http; `gzip` asks for it and decodes it. */
function openRaw(url: string, cookie: string, options: { gzip: boolean, headers?: Record<string, string> }) {
  return new Promise<{ status: number, headers: IncomingHttpHeaders, frames: RawFrame[], body: () => string, ended: Promise<void>, waitFor: (predicate: (frames: RawFrame[]) => boolean) => Promise<void> }>((resolve, reject) => {
    const outgoing = request(url, { agent: false, headers: { cookie, accept: 'text/event-stream', ...(options.gzip ? { 'accept-encoding': 'gzip' } : {}), ...options.headers } })
    outgoing.on('error', reject)
    outgoing.on('response', (response) => {
      const frames: RawFrame[] = []
      let body = ''
      const waiters = new Set<() => void>()
      const parser = createParser({
        onEvent(message) {
          frames.push({ id: message.id, event: message.event ?? 'message', data: frameData(message.event, message.id, message.data) })
        },
      })
      const decoded = response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response
      decoded.setEncoding('utf8')
      decoded.on('data', (text: string) => {
        body += text
        parser.feed(text)
        for (const waiter of [...waiters]) waiter()
      })
      const ended = new Promise<void>(resolveEnded => decoded.on('end', resolveEnded))
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        frames,
        body: () => body,
        ended,
        // Resolves on the data event that makes the predicate true; a missing frame fails by the test timeout.
        waitFor: predicate => new Promise<void>((resolveWait) => {
          const check = () => {
            if (!predicate(frames)) return
            waiters.delete(check)
            resolveWait()
          }
          waiters.add(check)
          check()
        }),
      })
    })
    outgoing.end()
  })
}

/** The text a client rebuilds from frames (snapshot, then deltas at their offsets). */
function textOf(frames: RawFrame[]): string {
  let text = ''
  for (const frame of frames) {
    if (frame.event === 'snapshot') text = frame.data.content
    else if (frame.event === 'text-delta') text = text.slice(0, frame.data.offset) + frame.data.text
  }
  return text
}

let upstream: MockUpstream
let app: AppServer
let appWithoutCompression: AppServer

beforeAll(async () => {
  upstream = await startMockUpstream(recorded => (recorded.body as { messages?: Array<{ content: string }> } | undefined)?.messages?.[0]?.content === 'hang'
    ? { chunks: CHUNKS, delayMs: 2, hangAfterChunks: HANG_AFTER_CHUNKS }
    : { chunks: CHUNKS, delayMs: 2 })
  const env = { NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-test-compression' }
  ;[app, appWithoutCompression] = await Promise.all([
    startAppServer(env),
    startAppServer({ ...env, NUXT_BACKGROUND_JOBS_STREAM_COMPRESSION: 'false' }),
  ])
})

afterAll(async () => {
  await Promise.all([app?.stop(), appWithoutCompression?.stop()])
  await upstream?.close()
})

async function newUser(baseUrl: string) {
  const response = await fetch(`${baseUrl}/api/jobs`)
  await response.arrayBuffer()
  const cookie = response.headers.getSetCookie().map(line => line.split(';')[0]!).find(pair => pair.startsWith('bgjobs_uid='))!
  return {
    cookie,
    async createJob(content: string): Promise<{ id: string, streamUrl: string }> {
      const created = await fetch(`${baseUrl}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ messages: [{ role: 'user', content }] }) })
      expect(created.status).toBe(202)
      return await created.json() as { id: string, streamUrl: string }
    },
    async status(jobId: string): Promise<string> {
      const job = await fetch(`${baseUrl}/api/jobs/${jobId}`, { headers: { cookie } })
      return ((await job.json()) as { job: { status: string } }).job.status
    },
  }
}

describe('gzip on the job stream', () => {
  it('is gzip when accepted, and each frame decodes while the job is still running (flushed per frame)', async () => {
    const user = await newUser(app.url)
    const job = await user.createJob('hang')
    const gzip = await openRaw(`${app.url}${job.streamUrl}`, user.cookie, { gzip: true })
    const identity = await openRaw(`${app.url}${job.streamUrl}`, user.cookie, { gzip: false })
    expect(gzip.status).toBe(200)
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(gzip.headers.vary).toContain('accept-encoding')
    expect(identity.headers['content-encoding']).toBeUndefined()

    // The upstream is now silent: these frames can only arrive if the server flushed gzip per frame.
    await gzip.waitFor(frames => frames[0]?.event === 'snapshot' && textOf(frames) === BEFORE_HANG_TEXT)
    expect(await user.status(job.id)).toBe('running')
    expect(gzip.frames.some(frame => frame.event === 'job-end')).toBe(false)

    await identity.waitFor(frames => textOf(frames) === BEFORE_HANG_TEXT)
    expect((await fetch(`${app.url}/api/jobs/${job.id}/abort`, { method: 'POST', headers: { cookie: user.cookie } })).status).toBe(200)
    await Promise.all([gzip.ended, identity.ended])

    // Both saw the same live events after the later of their two snapshots.
    const joinedAt = Math.max(Number(gzip.frames[0]!.id), Number(identity.frames[0]!.id))
    const after = (frames: RawFrame[]) => frames.filter(frame => frame.event !== 'snapshot' && Number(frame.id) > joinedAt)
    expect(after(gzip.frames)).toEqual(after(identity.frames))
    expect(gzip.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'aborted' } })
  })

  it('decoded gzip frames equal the uncompressed stream, byte for byte (finished job, snapshot and replay)', async () => {
    const user = await newUser(app.url)
    const job = await user.createJob('tell me')
    const live = await openRaw(`${app.url}${job.streamUrl}`, user.cookie, { gzip: true })
    await live.ended
    expect(textOf(live.frames)).toBe(CHUNKS.join(''))
    for (const query of ['', '?after=1']) {
      const gzip = await openRaw(`${app.url}${job.streamUrl}${query}`, user.cookie, { gzip: true })
      const identity = await openRaw(`${app.url}${job.streamUrl}${query}`, user.cookie, { gzip: false })
      await Promise.all([gzip.ended, identity.ended])
      expect(gzip.headers['content-encoding']).toBe('gzip')
      expect(gzip.body()).toBe(identity.body())
      expect(textOf(gzip.frames)).toBe(CHUNKS.join(''))
      expect(gzip.frames.at(-1)!.event).toBe('job-end')
    }
  })

  it('with stream.compression off, a client that accepts gzip gets plain SSE', async () => {
    const user = await newUser(appWithoutCompression.url)
    const job = await user.createJob('tell me')
    const stream = await openRaw(`${appWithoutCompression.url}${job.streamUrl}`, user.cookie, { gzip: true })
    await stream.ended
    expect(stream.headers['content-encoding']).toBeUndefined()
    expect(stream.body()).toContain('event: snapshot')
    expect(textOf(stream.frames)).toBe(CHUNKS.join(''))
  })
})
