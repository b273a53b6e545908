/**
 * An existing app that adds `extends: ['nuxt-background-jobs']` (tests/fixtures/adopt: its own
 * home page, a job page that calls `connect()` in setup, a page that subscribes to notifications
 * in setup, two tools — one needs approval — and docs/workflows.md's workflow) gets the engine and
 * nothing it did not ask for, built for production the way a user builds it; SSR of those pages
 * keeps nothing in the server process; its jobs that wait for a human are listed as waiting. Also the
 * production defaults: no API key → 503 naming the variable;
 * anonymous users off → 401; boot errors naming the key for settings that make no sense; a
 * malformed cookie is no cookie. Its own routes under /api/jobs (a name where the layer has `:id`, a
 * method beside the layer's on `/api/jobs/:id`), its own sign-in hook and runtimeConfig sit beside
 * the layer's; a page prerendered at build time is rendered with no engine (server/lib/prerender.ts).
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { askedIn, createClient } from '../support/http-client'
import type { ServerProcess } from '../support/server-process'
import { buildAppCopy, ROOT, startProcess } from '../support/server-process'

const APP_DIR = join(ROOT, 'tests/fixtures/adopt')

let build: { entry: string, cleanup: () => void }
let app: ServerProcess
/**
 * One server with the built-in scripted model on (fast pacing) for every test that runs jobs: each
 * started its own (three boots of ~0.7 core-s each). Each test runs as users of its own, so none sees
 * another's jobs.
 */
let scripted: ServerProcess
// Every server started, from its spawn on: one whose test (or hook) timed out while it started, on
// a loaded machine, is stopped after the file instead of running on after the run.
const spawned: ServerProcess[] = []

/** Starts the adopting app; the catalog answers once it has booted. */
function start(env: Record<string, string> = {}) {
  return startProcess({ args: [build.entry], env, readyPath: '/api/jobs/catalog', onSpawn: server => spawned.push(server) })
}

/** Starts the app expecting it to refuse to boot; resolves with what it printed. */
async function bootFailure(env: Record<string, string>): Promise<string> {
  try {
    const started = await start(env)
    await started.stop()
  }
  catch (error) {
    return (error as Error).message
  }
  throw new Error('the server booted')
}

beforeAll(async () => {
  build = buildAppCopy(APP_DIR)
  ;[app, scripted] = await Promise.all([start(), start({ NUXT_BACKGROUND_JOBS_SCRIPTED_ENABLED: 'true', NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '1' })])
})

afterAll(async () => {
  // `app` and those a test stopped already are among them (stopping again does nothing).
  await Promise.all(spawned.map(server => server.stop()))
  build?.cleanup()
})

describe('an app that extends the layer', () => {
  it('renders only its own page: no demo shell, no layer stylesheet', async () => {
    const response = await fetch(`${app.url}/`)
    const html = await response.text()
    expect(response.status).toBe(200)
    expect(html).toContain('Acme support desk')
    // Its page imports the layer by package name (client.md) although it extends it by a path.
    expect(html).toContain('data-error-class="BackgroundJobsApiError"')
    for (const demoText of ['Background jobs chat', 'New thread', 'Notify me', 'Skip to the conversation']) expect(html).not.toContain(demoText)
    expect(html).not.toMatch(/<link[^>]+rel="stylesheet"/)
    expect(html).not.toContain('--color-background')
  })

  it('a page that calls useBackgroundJob(id).connect() in setup renders on the server (connect is a no-op there) with the job\'s snapshot', async () => {
    const client = await createClient(scripted.url).init()
    const { body: job } = await client.post('/api/jobs', { messages: [{ role: 'user', content: 'hello' }] })
    const stream = await client.stream(job.streamUrl)
    await stream.waitFor(frame => frame.event === 'job-end')
    const { body: read } = await client.get(`/api/jobs/${job.id}`)
    const response = await fetch(`${scripted.url}/jobs/${job.id}`, { headers: { cookie: client.cookie() } })
    const html = await response.text()
    expect(response.status).toBe(200)
    expect(html).toContain('Acme job')
    expect(html).toContain(`<p data-status>${read.state.status}</p>`)
    // Some of its text (a run of plain characters, which HTML does not escape).
    const plain = /[A-Za-z0-9 ]{10,}/.exec(read.state.content)?.[0]
    expect(plain).toBeTruthy()
    expect(html).toContain(plain)
    expect(html).toContain('<p data-error></p>')
    // A job it cannot find renders too, saying so (nothing thrown in SSR).
    const missing = await fetch(`${scripted.url}/jobs/no-such-job`, { headers: { cookie: client.cookie() } })
    expect(missing.status).toBe(200)
    expect(await missing.text()).toContain('This job no longer exists on the server.')
    expect(scripted.output()).not.toMatch(/followJobStream|EventSource/)
  })

  it('a page that subscribes to notifications and deletions in setup leaves no listener on the server, and asks for no permission there', async () => {
    const client = createClient(app.url)
    await client.get('/api/jobs')
    for (let render = 0; render < 3; render++) {
      const response = await fetch(`${app.url}/notified`, { headers: { cookie: client.cookie() } })
      const html = await response.text()
      expect(response.status).toBe(200)
      expect(html).toContain('Acme notifications')
      // What the server process holds once this render's setup (25 subscriptions of each) has run.
      expect(html).toContain('<p data-notification-listeners>0</p>')
      expect(html).toContain('<p data-deleted-listeners>0</p>')
      // The browser reads the permission on mount: SSR leaves the initial state alone.
      expect(html).toContain('<p data-permission>default</p>')
    }
  })

  it('a page prerendered at build time was rendered with no engine running: the layer\'s routes answered it 503', async () => {
    const response = await fetch(`${app.url}/about`)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<p data-catalog-status>503</p>')
  })

  it('has no demo routes', async () => {
    const response = await fetch(`${app.url}/threads/x`)
    expect(response.status).toBe(404)
  })

  it('offers only its own tools and workflow', async () => {
    const { status, body: json } = await createClient(app.url).get('/api/jobs/catalog')
    expect(status).toBe(200)
    expect(json.tools.map((tool: { name: string }) => tool.name)).toEqual(['acme_lookup', 'acme_refund'])
    expect(json.workflows.map((workflow: { name: string }) => workflow.name)).toEqual(['research-report'])
    expect(json.model.scripted).toBe(false)
  })

  it('a job waiting for a human is listed as waiting (a tool approval, docs/workflows.md\'s question) and takes the answers docs/client.md sends', async () => {
    const client = await createClient(scripted.url).init()
    const { body: chat } = await client.post('/api/jobs', { messages: [{ role: 'user', content: 'acme_refund please' }] })
    const chatStream = await client.stream(chat.streamUrl)
    const approval = askedIn(await chatStream.waitFor(frame => askedIn(frame) !== undefined))!
    const { body: workflow } = await client.post('/api/jobs', { workflow: 'research-report', input: { topic: 'tides' } })
    const workflowStream = await client.stream(workflow.streamUrl)
    const question = askedIn(await workflowStream.waitFor(frame => askedIn(frame) !== undefined))!
    // The store had them as `running` (their `waiting` was left unwritten): a filter on waiting missed both.
    const { body: waiting } = await client.get('/api/jobs?status=waiting')
    expect(waiting.jobs.map((job: { id: string }) => job.id).sort()).toEqual([chat.id, workflow.id].sort())
    const { body: running } = await client.get('/api/jobs?status=running')
    expect(running.jobs).toEqual([])

    expect((await client.post(`/api/jobs/${chat.id}/input`, { requestId: approval, answer: 'approve' })).status).toBe(200)
    // A workflow's question takes what its schema accepts: 'approve' is a 400 naming the problem.
    const wrong = await client.post(`/api/jobs/${workflow.id}/input`, { requestId: question, answer: 'approve' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.message).toContain('expected object')
    expect((await client.post(`/api/jobs/${workflow.id}/input`, { requestId: question, answer: { approved: true } })).status).toBe(200)
    expect((await chatStream.waitFor(frame => frame.event === 'job-end')).data.status).toBe('completed')
    expect((await workflowStream.waitFor(frame => frame.event === 'job-end')).data.status).toBe('completed')
    const { body: read } = await client.get(`/api/jobs/${workflow.id}`)
    expect(read.state.executionOrder).toEqual(['research', 'draft', 'approval', 'review', 'final'])
    expect(read.state.content).toContain('## Report: tides')
    const { body: refunded } = await client.get(`/api/jobs/${chat.id}`)
    expect(refunded.state.toolCalls[0]).toMatchObject({ name: 'acme_refund', status: 'completed', result: { order: 'A-1', refundedCents: 5_000 } })
    expect((await client.get('/api/jobs?status=waiting')).body.jobs).toEqual([])
  })

  it('with no API key, job creation is a 503 naming the variable (never a scripted answer)', async () => {
    const { status, body: json } = await createClient(app.url).post('/api/jobs', { messages: [{ role: 'user', content: 'hello' }] })
    expect(status).toBe(503)
    expect(json.message).toContain('NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY')
    const warnings = app.output().split('\n').filter(line => line.includes('no model configured'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY')
  })

  it('a malformed or forged user cookie is treated as no cookie', async () => {
    for (const cookie of ['bgjobs_uid=%E0%A4%A', 'bgjobs_uid=Fe26.2**garbage', 'bgjobs_uid=']) {
      const response = await fetch(`${app.url}/api/jobs`, { headers: { cookie } })
      expect(response.status).toBe(200)
      expect(response.headers.getSetCookie().some(line => line.startsWith('bgjobs_uid=Fe26.2'))).toBe(true)
      expect(await response.json()).toEqual({ jobs: [], next: null })
    }
  })

  it('a sealed cookie keeps the same user across requests', async () => {
    const client = createClient(app.url)
    await client.get('/api/jobs')
    const first = await client.get('/api/jobs/catalog')
    expect(first.status).toBe(200)
    expect(first.headers.getSetCookie()).toEqual([])
  })
})

describe('the app\'s own routes and sign-in beside the layer\'s', () => {
  it('its own routes under /api/jobs answer it, not the layer\'s 405; a method neither takes is a 405 listing both', async () => {
    const headers = { 'content-type': 'application/json', 'cookie': 'acme_session=ann' }
    // A name where the layer has /api/jobs/:id (GET, HEAD, DELETE): it was a 405 naming those.
    const exported = await fetch(`${app.url}/api/jobs/export`, { method: 'POST', headers, body: '{}' })
    expect(exported.status).toBe(200)
    expect(await exported.json()).toEqual({ exported: [], by: 'acme-export' })
    // A method beside the layer's on its own path.
    const labelled = await fetch(`${app.url}/api/jobs/j-1`, { method: 'PUT', headers, body: '{}' })
    expect(labelled.status).toBe(200)
    expect(await labelled.json()).toEqual({ labelled: 'j-1' })
    // The layer's own methods there are still the layer's.
    const read = await fetch(`${app.url}/api/jobs/j-1`, { headers })
    expect(read.status).toBe(404)
    expect((await read.json()).statusMessage).toBe('JobNotFoundError')
    const neither = await fetch(`${app.url}/api/jobs/j-1`, { method: 'PATCH', headers, body: '{}' })
    expect(neither.status).toBe(405)
    expect(neither.headers.get('allow')).toBe('GET, HEAD, DELETE, PUT, OPTIONS')
    const options = await fetch(`${app.url}/api/jobs/j-1`, { method: 'OPTIONS' })
    expect(options.status).toBe(204)
    expect(options.headers.get('allow')).toBe('GET, HEAD, DELETE, PUT, OPTIONS')
    // The app's own path is the app's: the layer does not answer its OPTIONS with its own methods.
    const appOptions = await fetch(`${app.url}/api/jobs/export`, { method: 'OPTIONS' })
    expect(appOptions.headers.get('allow')).toBeNull()
    // A method the app's path lacks: Nitro's router handed it to the layer's /api/jobs/:id (404 "Job export not found").
    for (const method of ['GET', 'HEAD']) {
      const wrong = await fetch(`${app.url}/api/jobs/export`, { method, headers })
      expect({ method, status: wrong.status, allow: wrong.headers.get('allow') }).toEqual({ method, status: 405, allow: 'POST' })
    }
  })

  it('the app\'s resolve-user hook decides whose jobs a request sees, in the layer\'s routes and its own', async () => {
    const as = (user: string) => ({ 'content-type': 'application/json', 'cookie': `acme_session=${user}` })
    const created = await fetch(`${scripted.url}/api/jobs`, { method: 'POST', headers: as('ann'), body: JSON.stringify({ messages: [{ role: 'user', content: 'hello' }] }) })
    expect(created.status).toBe(202)
    const { id } = await created.json()
    // No anonymous cookie for a user the app signed in.
    expect(created.headers.getSetCookie()).toEqual([])
    expect((await fetch(`${scripted.url}/api/jobs/${id}`, { headers: as('ann') })).status).toBe(200)
    expect((await fetch(`${scripted.url}/api/jobs/${id}`, { headers: as('bob') })).status).toBe(404)
    const exported = async (user: string) => (await (await fetch(`${scripted.url}/api/jobs/export`, { method: 'POST', headers: as(user), body: '{}' })).json()).exported
    expect(await exported('ann')).toEqual([id])
    expect(await exported('bob')).toEqual([])
  })
})

describe('production settings', () => {
  it('allowAnonymous=false: a request with no user from the app is a 401 naming the setting', async () => {
    const strict = await start({ NUXT_BACKGROUND_JOBS_ALLOW_ANONYMOUS: 'false' }).catch(() => null)
    // The readiness probe itself gets 401; the process is up all the same.
    expect(strict).not.toBeNull()
    try {
      const { status, body: json } = await createClient(strict!.url).get('/api/jobs')
      expect(status).toBe(401)
      expect(json.message).toContain('NUXT_BACKGROUND_JOBS_ALLOW_ANONYMOUS')
    }
    finally {
      await strict!.stop()
    }
  })

  it('a global cap on open streams answers 429 naming the setting', async () => {
    const capped = await start({ NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS: '1', NUXT_BACKGROUND_JOBS_SCRIPTED_ENABLED: 'true' })
    try {
      const first = new AbortController()
      const open = await fetch(`${capped.url}/api/jobs/notifications`, { signal: first.signal })
      expect(open.status).toBe(200)
      const second = await fetch(`${capped.url}/api/jobs/notifications`)
      expect(second.status).toBe(429)
      expect(second.headers.get('retry-after')).toBeTruthy()
      expect((await second.json()).message).toContain('limits.maxStreams')
      first.abort()
    }
    finally {
      await capped.stop()
    }
  })

  it('settings that make no sense stop the boot, naming the key and its variable', async () => {
    const output = await bootFailure({ NUXT_BACKGROUND_JOBS_LEASE_HEARTBEAT_MS: '20000', NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS: '-1' })
    expect(output).toContain('lease.heartbeatMs')
    expect(output).toContain('NUXT_BACKGROUND_JOBS_LEASE_HEARTBEAT_MS')
    expect(output).toContain('NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS')
  })

  it('a shared provider without a cookie secret, or Convex without the servers\' secret, stops the boot, naming the variables', async () => {
    const output = await bootFailure({ NUXT_BACKGROUND_JOBS_PROVIDER: 'convex', NUXT_BACKGROUND_JOBS_CONVEX_URL: 'https://example.convex.cloud' })
    expect(output).toContain('NUXT_BACKGROUND_JOBS_COOKIE_SECRET')
    expect(output).toContain('NUXT_BACKGROUND_JOBS_CONVEX_SECRET')
  })
})
