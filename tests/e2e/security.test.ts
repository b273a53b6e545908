/**
 * Security checks over real HTTP: methods (405), ownership (404 everywhere), cross-site writes
 * (403), CORS for a trusted origin, caching, smuggled tools and system prompts, secrets kept out of
 * every output, per-user feature flags, the DevTools routes absent from a production build, and
 * route fuzzing (tests/support/route-fuzz.ts) against the same server. Abuse and size limits:
 * security-limits.test.ts; the app and upstream: tests/support/security-app.ts.
 */
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { askedIn, createClient } from '../support/http-client'
import { userMessageOf } from '../support/mock-upstream'
import { fuzzRoutes } from '../support/route-fuzz'
import { API_KEY, app, chat, CLIENT_TOKEN, TOKEN, upstream, useSecurityApp } from '../support/security-app'

useSecurityApp()

describe('methods', () => {
  it('a method a route does not answer is a 405 naming the allowed ones, not "Page not found"', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', chat('fine'))
    for (const [method, path, allow] of [['PUT', '/api/jobs', 'GET, HEAD, POST, DELETE, OPTIONS'], ['PUT', `/api/jobs/${job.id}`, 'GET, HEAD, DELETE, OPTIONS'], ['GET', `/api/jobs/${job.id}/abort`, 'POST, OPTIONS'], ['PATCH', '/api/jobs/catalog', 'GET, HEAD, OPTIONS']] as const) {
      const response = await fetch(`${app.url}${path}`, { method, headers: { cookie: user.cookie() } })
      expect(response.status, `${method} ${path}`).toBe(405)
      expect(response.headers.get('allow')).toBe(allow)
      expect((await response.json()).message).toContain(`${method} is not allowed on ${path}`)
    }
    // Paths that are no route of the layer stay a 404.
    expect((await fetch(`${app.url}/api/jobs/${job.id}/nothing`)).status).toBe(404)
  })
})

describe('ownership', () => {
  it('another user\'s job is 404 on every route, and its pending input request cannot be answered', async () => {
    const owner = await createClient(app.url).init()
    const stranger = await createClient(app.url).init()
    const { body: job } = await owner.post('/api/jobs', chat('approval please'))
    const ownerStream = await owner.stream(job.streamUrl)
    const requestId = askedIn(await ownerStream.waitFor(frame => askedIn(frame) !== undefined))
    const answer = { requestId, answer: 'approve' }
    expect((await stranger.get(`/api/jobs/${job.id}`)).status).toBe(404)
    expect((await stranger.stream(job.streamUrl)).status).toBe(404)
    expect((await stranger.stream(`${job.streamUrl}?after=1`, { 'last-event-id': '1' })).status).toBe(404)
    expect((await stranger.post(`/api/jobs/${job.id}/input`, answer)).status).toBe(404)
    expect((await stranger.post(`/api/jobs/${job.id}/abort`)).status).toBe(404)
    expect((await stranger.get(`/api/jobs?threadId=${job.threadId ?? ''}`)).body.jobs ?? []).toEqual([])
    // The stranger changed nothing: still waiting, then the owner's answer goes through.
    expect((await owner.get(`/api/jobs/${job.id}`)).body.state.pendingInputs).toHaveLength(1)
    expect((await owner.post(`/api/jobs/${job.id}/input`, answer)).status).toBe(200)
    const end = await ownerStream.waitFor(frame => frame.event === 'job-end')
    expect(end.data.status).toBe('completed')
  })
})

describe('cross-site requests', () => {
  it('a page of another site or a sibling subdomain cannot abort, start or answer the user\'s jobs (403 naming trustedOrigins); the job runs on', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', chat('slow', { threadId: `chat-${randomUUID()}` }))
    const crossSite = { 'origin': 'https://evil.example', 'sec-fetch-site': 'cross-site' }
    const sibling = { 'origin': 'https://evil.app.example', 'sec-fetch-site': 'same-site' }
    // What a <form method="post"> on such a page sends with the user's cookie (sent on same-site
    // requests, and on cross-site ones when an app's own session cookie is SameSite=None).
    const forms: Array<[string, Record<string, string>]> = [
      [`/api/jobs/${job.id}/abort`, crossSite],
      [`/api/jobs/chat/${job.threadId}/abort`, sibling],
      // An older browser without Sec-Fetch-Site: its Origin is not this server's host.
      [`/api/jobs/${job.id}/abort`, { origin: 'https://evil.example' }],
    ]
    for (const [path, headers] of forms) {
      const response = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'cookie': user.cookie(), 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'x=1' })
      expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(403)
      expect((await response.json()).message).toContain('NUXT_BACKGROUND_JOBS_TRUSTED_ORIGINS')
    }
    expect((await user.post('/api/jobs', chat('fine'), crossSite)).status).toBe(403)
    expect((await user.post(`/api/jobs/${job.id}/input`, { requestId: 'x', answer: 'approve' }, sibling)).status).toBe(403)
    expect((await user.post('/api/jobs/chat', { id: 'c', messages: [{ role: 'user', parts: [{ type: 'text', text: 'fine' }] }] }, crossSite)).status).toBe(403)
    expect((await user.get(`/api/jobs/${job.id}`)).body.job.status).not.toBe('aborted')
    // Reads are the browser's CORS business: not refused.
    expect((await user.get(`/api/jobs/${job.id}`, crossSite)).status).toBe(200)
    // The app's own pages (by Sec-Fetch-Site, or by an Origin naming this host) and a trusted origin may.
    expect((await user.post('/api/jobs', chat('fine'), { 'origin': app.url, 'sec-fetch-site': 'same-origin' })).status).toBe(202)
    expect((await user.post('/api/jobs', chat('fine'), { origin: app.url })).status).toBe(202)
    expect((await user.post('/api/jobs', chat('fine'), { 'origin': 'https://partner.example', 'sec-fetch-site': 'cross-site' })).status).toBe(202)
    expect((await user.post(`/api/jobs/${job.id}/abort`, undefined, { 'origin': app.url, 'sec-fetch-site': 'same-origin' })).status).toBe(200)
  })
})

describe('a front end on a trusted origin (CORS)', () => {
  it('its preflight is granted with credentials; its answers, errors and streams are readable (Vary: Origin); another origin gets no CORS header', async () => {
    const user = await createClient(app.url).init()
    const partner = { 'origin': 'https://partner.example', 'sec-fetch-site': 'cross-site' }
    const preflight = await fetch(`${app.url}/api/jobs`, { method: 'OPTIONS', headers: { ...partner, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://partner.example')
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true')
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, DELETE')
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type, idempotency-key')
    expect(preflight.headers.get('allow')).toBe('GET, HEAD, POST, DELETE, OPTIONS')
    const started = await user.post('/api/jobs', chat('fine'), partner)
    expect(started.status).toBe(202)
    expect(started.headers.get('access-control-allow-origin')).toBe('https://partner.example')
    expect(started.headers.get('vary')).toContain('origin')
    const missing = await user.get(`/api/jobs/${randomUUID()}`, partner)
    expect(missing.status).toBe(404)
    expect(missing.headers.get('access-control-allow-origin')).toBe('https://partner.example')
    const stream = await user.stream(started.body.streamUrl, partner)
    expect(stream.headers.get('access-control-allow-origin')).toBe('https://partner.example')
    expect(stream.headers.get('access-control-allow-credentials')).toBe('true')
    expect(stream.headers.get('vary')).toBe('origin, accept-encoding')
    stream.close()
    // Another origin: no grant (the browser keeps the answer from its script), its writes 403 as before.
    const evil = { 'origin': 'https://evil.example', 'sec-fetch-site': 'cross-site' }
    const refused = await fetch(`${app.url}/api/jobs/${started.body.id}/abort`, { method: 'OPTIONS', headers: { ...evil, 'access-control-request-method': 'POST' } })
    expect(refused.status).toBe(204)
    expect(refused.headers.get('access-control-allow-origin')).toBeNull()
    expect(refused.headers.get('allow')).toBe('POST, OPTIONS')
    expect((await user.get('/api/jobs', evil)).headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('caching', () => {
  it('no answer of a user\'s routes may be kept by a shared cache (another client would get it): private, no-store; streams private, no-store, no-transform', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', chat('fine'))
    for (const path of ['/api/jobs', `/api/jobs/${job.id}`, '/api/jobs/catalog', '/api/jobs/chat/x/messages']) {
      const response = await user.get(path)
      expect(response.headers.get('cache-control'), path).toBe('private, no-store')
    }
    // Errors go through Nitro's error handler, which sends its own no-cache (kept only to revalidate).
    expect((await user.get(`/api/jobs/${randomUUID()}`)).headers.get('cache-control')).toMatch(/no-store|no-cache/)
    expect((await user.post(`/api/jobs/${job.id}/abort`)).headers.get('cache-control')).toBe('private, no-store')
    const stream = await user.stream(job.streamUrl)
    // Not only no-cache (a shared cache could still store it, with a new user's Set-Cookie).
    expect(stream.headers.get('cache-control')).toBe('private, no-store, no-transform')
    stream.close()
    // The AI SDK's UI message stream too (here with the new user's Set-Cookie).
    const uiStream = await fetch(`${app.url}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: `c-${randomUUID()}`, messages: [{ role: 'user', parts: [{ type: 'text', text: 'fine' }] }] }) })
    expect(uiStream.headers.getSetCookie().length).toBe(1)
    expect(uiStream.headers.get('cache-control')).toBe('private, no-store, no-transform')
    await uiStream.text()
  })
})

describe('smuggling', () => {
  it('tool definitions, system prompts and upstream fields in the body never reach the upstream', async () => {
    const user = await createClient(app.url).init()
    const marker = `smuggle-${randomUUID()}`
    const created = await user.post('/api/jobs', {
      messages: [{ role: 'system', content: `SYSTEM ${marker}` }, { role: 'user', content: marker }],
      tools: [],
      system: `SYSTEM ${marker}`,
      tool_choice: 'required',
      functions: [{ name: 'evil', parameters: {} }],
      headers: { 'x-evil': marker },
      body: { temperature: 2, marker },
    })
    expect(created.status).toBe(202)
    await expect.poll(() => upstream.requests.some(request => userMessageOf(request) === marker)).toBe(true)
    const received = upstream.requests.find(request => userMessageOf(request) === marker)!
    expect(Object.keys(received.body!).sort()).toEqual(['messages', 'model', 'stream', 'stream_options'])
    expect(JSON.stringify(received.body)).not.toContain(`SYSTEM ${marker}`)
    expect(received.headers['x-evil']).toBeUndefined()
    const asObjects = await user.post('/api/jobs', chat('hi', { tools: [{ type: 'function', function: { name: 'evil', parameters: {} } }] }))
    expect(asObjects.status).toBe(400)
    // A name that is not a registered tool is refused, with the nearest one (a typo would leave the job without it).
    const unknown = await user.post('/api/jobs', chat('hi', { tools: ['get_current_tme'] }))
    expect(unknown.status).toBe(400)
    expect((unknown.body as { message: string }).message).toBe('tools: "get_current_tme" is not a registered tool (did you mean "get_current_time"?); GET /api/jobs/catalog lists the tools to pick from')
    expect(asObjects.body.message).toContain('tools.0')
  })
})

describe('secrets', () => {
  it('the API key and Authorization headers never appear in events, errors, snapshots, lists, metrics or logs', async () => {
    const user = await createClient(app.url).init()
    const auth = { authorization: `Bearer ${CLIENT_TOKEN}` }
    const outputs: string[] = []
    for (const prompt of ['echo-401', 'echo-chunk', 'fine']) {
      const { body: job } = await user.post('/api/jobs', chat(prompt), auth)
      const stream = await user.stream(job.streamUrl, auth)
      const end = await stream.waitFor(frame => frame.event === 'job-end')
      if (prompt !== 'fine') expect(end.data.status).toBe('failed')
      outputs.push(JSON.stringify(stream.frames), JSON.stringify((await user.get(`/api/jobs/${job.id}`, auth)).body))
    }
    outputs.push(JSON.stringify((await user.get('/api/jobs', auth)).body))
    outputs.push(await (await fetch(`${app.url}/api/jobs/metrics?format=prometheus`, { headers: { authorization: `Bearer ${TOKEN}` } })).text())
    outputs.push(app.output())
    for (const output of outputs) {
      expect(output).not.toContain(API_KEY)
      expect(output).not.toContain(CLIENT_TOKEN)
      expect(output).not.toContain(TOKEN)
    }
    // It was really sent upstream, so the check above is meaningful.
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${API_KEY}`)
  })
})

describe('per-user feature flags (the background-jobs:feature-flags hook)', () => {
  it('turns a feature off for one user: 503 naming the flag; others keep it', async () => {
    const user = await createClient(app.url).init()
    const off = await user.get('/api/jobs', { 'x-fixture-flags-off': 'enabled' })
    expect(off.status).toBe(503)
    expect(off.body.message).toContain('NUXT_BACKGROUND_JOBS_ENABLED')
    // The operator's flag is on: the message says the app's hook switched it off.
    expect(off.body.message).toContain('switched off for this user by the app\'s background-jobs:feature-flags hook')
    const workflow = await user.post('/api/jobs', { workflow: 'research-report', input: {} }, { 'x-fixture-flags-off': 'workflows' })
    expect(workflow.status).toBe(503)
    expect(workflow.body.message).toContain('workflows.enabled')
    expect(workflow.body.message).toContain('background-jobs:feature-flags hook')
    const catalog = await user.get('/api/jobs/catalog', { 'x-fixture-flags-off': 'tools' })
    expect(catalog.body.tools).toEqual([])
    expect((await user.get('/api/jobs/catalog')).body.tools.length).toBeGreaterThan(0)
  })

  it('tools off for a user: the upstream is offered no tools', async () => {
    const user = await createClient(app.url).init()
    const marker = `no-tools-${randomUUID()}`
    expect((await user.post('/api/jobs', chat(marker), { 'x-fixture-flags-off': 'tools' })).status).toBe(202)
    await expect.poll(() => upstream.requests.some(request => userMessageOf(request) === marker)).toBe(true)
    expect(upstream.requests.find(request => userMessageOf(request) === marker)!.body!.tools).toBeUndefined()
  })

  it('a percentage rollout: 0 % nobody, 100 % everybody', async () => {
    const user = await createClient(app.url).init()
    expect((await user.get('/api/jobs/catalog', { 'x-fixture-workflows-rollout': '0' })).body.workflows).toEqual([])
    expect((await user.get('/api/jobs/catalog', { 'x-fixture-workflows-rollout': '100' })).body.workflows.length).toBeGreaterThan(0)
  })
})

describe('the DevTools tab is dev only', () => {
  it('the production build answers 404 on every DevTools path, whatever the header', async () => {
    for (const path of ['/__background-jobs/devtools', '/__background-jobs/devtools/icon.svg', '/__background-jobs/devtools/api/jobs']) {
      const response = await fetch(`${app.url}${path}`, { headers: { 'x-background-jobs-devtools': 'guess' } })
      expect(response.status, path).toBe(404)
      expect(await response.text()).not.toContain('Background jobs')
    }
    const abort = await fetch(`${app.url}/__background-jobs/devtools/api/jobs/${randomUUID()}/abort`, { method: 'POST', headers: { 'x-background-jobs-devtools': '' } })
    expect(abort.status).toBe(404)
  })

  it('no file of the built app mentions the DevTools routes, header or page', () => {
    const outputDir = dirname(dirname(inject('appEntry')))
    const files = readdirSync(outputDir, { recursive: true, withFileTypes: true }).filter(entry => entry.isFile())
    expect(files.length).toBeGreaterThan(10)
    const mentions = files
      .map(entry => join(entry.parentPath, entry.name))
      .filter(file => /__background-jobs\/devtools|x-background-jobs-devtools|devtoolsToken|recent-jobs/.test(readFileSync(file, 'latin1')))
    expect(mentions).toEqual([])
  })
})

describe('route fuzzing', () => {
  it('random bodies, ids, query strings and Last-Event-ID values never produce a 5xx', async () => {
    const report = await fuzzRoutes(app.url)
    expect(report.serverErrors).toEqual([])
    expect(report.cases).toBeGreaterThanOrEqual(800)
    console.info(`[route fuzz] ${report.cases} cases, statuses ${JSON.stringify(report.statuses)}`)
  })
})
