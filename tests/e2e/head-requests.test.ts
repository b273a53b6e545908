/**
 * HEAD on every route that answers GET (load balancers, uptime checkers): the GET's status and
 * headers, no body. On the stream routes a HEAD attaches no viewer, no notification sink and
 * takes no stream slot. The `Allow` of a 405 lists HEAD where GET is allowed.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { createClient } from '../support/http-client'
import type { MockUpstream } from '../support/mock-upstream'
import { startMockUpstream } from '../support/mock-upstream'
import { readMetrics } from '../support/ops-client'

const TOKEN = 'head-requests-metrics'
/** The headers a HEAD must repeat from its GET. */
const COMPARED = ['content-type', 'cache-control', 'vary', 'content-encoding', 'x-vercel-ai-ui-message-stream', 'x-accel-buffering'] as const

let upstream: MockUpstream
let app: AppServer
let strict: AppServer
let releaseAll: () => void = () => {}
const held = new Promise<void>((resolve) => {
  releaseAll = resolve
})

beforeAll(async () => {
  // Every answer holds after its first piece until the end of the file: the jobs stay running.
  upstream = await startMockUpstream(() => ({ chunks: ['Held ', 'then done.'], pauseAfterChunks: 1, resume: held, delayMs: 1 }))
  const env = {
    NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
    NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-head-requests-0123456789',
    NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN,
    NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS_PER_USER: '1',
  }
  app = await startAppServer(env)
  strict = await startAppServer({ ...env, NUXT_BACKGROUND_JOBS_ALLOW_ANONYMOUS: 'false' })
})

afterAll(async () => {
  releaseAll()
  await Promise.all([app?.stop(), strict?.stop()])
  await upstream?.close()
})

/** A request with the user's cookie; the body is read (and must be empty for a HEAD). */
async function call(method: 'GET' | 'HEAD', url: string, headers: Record<string, string>) {
  const response = await fetch(url, { method, headers })
  return { status: response.status, headers: Object.fromEntries(COMPARED.map(name => [name, response.headers.get(name)])), body: await response.text() }
}

/** A GET stream's status and headers; its body is left at once (the stream slot is released when the server sees it). */
async function streamGet(url: string, headers: Record<string, string>) {
  const leave = new AbortController()
  const response = await fetch(url, { headers, signal: leave.signal })
  const answer = { status: response.status, headers: Object.fromEntries(COMPARED.map(name => [name, response.headers.get(name)])) }
  leave.abort()
  await response.body?.cancel().catch(() => {})
  return answer
}

describe('HEAD', () => {
  it('every JSON route that answers GET answers HEAD with its status and headers and no body', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `json ${randomUUID()}` }] })
    const cookie = { cookie: user.cookie() }
    const bearer = { authorization: `Bearer ${TOKEN}` }
    const cases: Array<[string, Record<string, string>, number]> = [
      ['/api/jobs', cookie, 200],
      ['/api/jobs/catalog', cookie, 200],
      // The health route, in the built app (a static path beside /api/jobs/:id), asks no session.
      ['/api/jobs/health', {}, 200],
      ['/api/jobs/threads', cookie, 200],
      ['/api/jobs/threads?before=nonsense', cookie, 400],
      [`/api/jobs/${job.id}`, cookie, 200],
      [`/api/jobs/${randomUUID()}`, cookie, 404],
      ['/api/jobs/chat/some-chat/messages', cookie, 200],
      ['/api/jobs/metrics', bearer, 200],
      ['/api/jobs/metrics', {}, 401],
    ]
    for (const [path, headers, status] of cases) {
      const [get, head] = [await call('GET', `${app.url}${path}`, headers), await call('HEAD', `${app.url}${path}`, headers)]
      expect(get.status, `GET ${path}`).toBe(status)
      expect(head.status, `HEAD ${path}`).toBe(status)
      expect(head.headers, `HEAD ${path}`).toEqual(get.headers)
      expect(head.body, `HEAD ${path}`).toBe('')
    }
  })

  it('on the stream routes: the status and stream headers, with no viewer, sink or stream slot taken; 404 for a stranger, 204 for a chat with nothing running', async () => {
    const user = await createClient(app.url).init()
    const stranger = await createClient(app.url).init()
    const chat = `chat-${randomUUID()}`
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `stream ${randomUUID()}` }], threadId: chat })
    const cookie = { cookie: user.cookie() }
    const streams = [`/api/jobs/${job.id}/stream`, `/api/jobs/chat/${chat}/stream`, '/api/jobs/notifications']
    // What each GET answers (one at a time: the user has one stream slot).
    const gets = []
    for (const path of streams) {
      gets.push(await streamGet(`${app.url}${path}`, cookie))
      await expect.poll(async () => (await readMetrics(app.url, TOKEN)).openStreams).toBe(0)
    }
    expect(gets.map(get => get.status)).toEqual([200, 200, 200])
    expect(gets[1]!.headers['x-vercel-ai-ui-message-stream']).toBe('v1')

    // The user's one slot is taken by a viewer: HEADs still answer, and take nothing more.
    const viewer = await user.stream(`/api/jobs/${job.id}/stream`)
    expect(viewer.status).toBe(200)
    expect((await user.get(`/api/jobs/${job.id}/stream`)).status).toBe(429)
    const before = (await readMetrics(app.url, TOKEN)).engine
    for (const [index, path] of streams.entries()) {
      const head = await call('HEAD', `${app.url}${path}`, cookie)
      expect(head.status, `HEAD ${path}`).toBe(200)
      expect(head.headers, `HEAD ${path}`).toEqual(gets[index]!.headers)
      expect(head.body).toBe('')
    }
    const after = await readMetrics(app.url, TOKEN)
    expect(after.openStreams).toBe(1)
    expect({ viewers: after.engine.viewers, sinks: after.engine.notificationSinks }).toEqual({ viewers: before.viewers, sinks: before.notificationSinks })
    viewer.close()

    expect((await call('HEAD', `${app.url}/api/jobs/${job.id}/stream`, { cookie: stranger.cookie() })).status).toBe(404)
    expect((await call('HEAD', `${app.url}/api/jobs/${randomUUID()}/stream`, cookie)).status).toBe(404)
    expect((await call('HEAD', `${app.url}/api/jobs/chat/${chat}/stream`, { cookie: stranger.cookie() })).status).toBe(204)
    expect((await call('HEAD', `${app.url}/api/jobs/chat/other-${chat}/stream`, cookie)).status).toBe(204)
  })

  it('on a finished job\'s stream: 204 as the GET when Last-Event-ID (or ?after=) is already at its end, 200 otherwise', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `finish ${randomUUID()}` }] })
    const viewer = await user.stream(job.streamUrl)
    await viewer.waitFor(frame => frame.event === 'snapshot')
    expect((await user.post(`/api/jobs/${job.id}/abort`)).status).toBe(200)
    await viewer.ended
    const lastId = viewer.frames.at(-1)!.id!
    expect(viewer.frames.at(-1)!.event).toBe('job-end')
    const url = `${app.url}/api/jobs/${job.id}/stream`
    const cookie = user.cookie()
    const before = String(Number(lastId) - 1)
    const cases: Array<[string, Record<string, string>, number]> = [
      [url, { cookie, 'last-event-id': lastId }, 204],
      [`${url}?after=${lastId}`, { cookie }, 204],
      [url, { cookie, 'last-event-id': before }, 200],
      [url, { cookie }, 200],
    ]
    for (const [target, headers, status] of cases) {
      const get = await streamGet(target, headers)
      const head = await call('HEAD', target, headers)
      expect(get.status, `GET ${JSON.stringify(headers)}`).toBe(status)
      expect(head.status, `HEAD ${JSON.stringify(headers)}`).toBe(status)
      expect(head.body).toBe('')
    }
  })

  it('signed out (no anonymous users): 401 as the GET', async () => {
    for (const path of [`/api/jobs/${randomUUID()}/stream`, '/api/jobs/notifications', '/api/jobs/chat/c/stream', '/api/jobs', '/api/jobs/threads']) {
      expect((await call('GET', `${strict.url}${path}`, {})).status, `GET ${path}`).toBe(401)
      expect((await call('HEAD', `${strict.url}${path}`, {})).status, `HEAD ${path}`).toBe(401)
    }
  })

  it('every answer carries X-Request-Id — a success, a 404, a 405, a preflight, a 401, a HEAD — and the job created lines carry it (observability.md › Request ids)', async () => {
    const user = await createClient(app.url).init()
    const created = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'hi' }] }, { 'x-request-id': 'e2e-create-1' })
    expect(created.status).toBe(202)
    expect(created.headers.get('x-request-id')).toBe('e2e-create-1')
    await expect.poll(() => app.output()).toMatch(new RegExp(`"message":"job created","jobId":"${created.body.id}".*"requestId":"e2e-create-1"`))
    const answers = [
      await fetch(`${app.url}/api/jobs/${randomUUID()}`, { headers: { 'x-request-id': 'e2e-404' } }),
      await fetch(`${app.url}/api/jobs/x/abort`, { method: 'PUT', headers: { 'x-request-id': 'e2e-405' } }),
      await fetch(`${app.url}/api/jobs`, { method: 'OPTIONS', headers: { 'x-request-id': 'e2e-options' } }),
      await fetch(`${strict.url}/api/jobs`, { headers: { 'x-request-id': 'e2e-401' } }),
      await fetch(`${app.url}/api/jobs/catalog`, { method: 'HEAD', headers: { 'x-request-id': 'e2e-head' } }),
    ]
    expect(answers.map(answer => [answer.status, answer.headers.get('x-request-id')])).toEqual([[404, 'e2e-404'], [405, 'e2e-405'], [204, 'e2e-options'], [401, 'e2e-401'], [200, 'e2e-head']])
    // Not a safe id (a space): one made here instead.
    const made = (await fetch(`${app.url}/api/jobs/catalog`, { headers: { 'x-request-id': 'not safe' } })).headers.get('x-request-id')
    expect(made).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('a 405\'s Allow lists HEAD where GET is allowed', async () => {
    for (const [path, allow] of [['/api/jobs/x/stream', 'GET, HEAD, OPTIONS'], ['/api/jobs/notifications', 'GET, HEAD, OPTIONS'], ['/api/jobs/x/abort', 'POST, OPTIONS']] as const) {
      const response = await fetch(`${app.url}${path}`, { method: 'PUT' })
      expect(response.status).toBe(405)
      expect(response.headers.get('allow')).toBe(allow)
    }
  })
})
