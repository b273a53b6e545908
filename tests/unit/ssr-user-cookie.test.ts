/**
 * The SSR calls of one page render are made as one user (useJobsFetch): the page request's user,
 * or on a first visit the anonymous user the first call created. Here the calls go the way Nitro
 * makes them — `useRequestFetch()` is the page event's `$fetch`, h3's `fetchWithEvent` over an
 * in-process request (nitropack's runtime/internal/app.mjs) — to an API that names its user as the
 * layer's does (server/lib/http/user.ts). `fetchWithEvent` spreads the call's headers over the page
 * request's: headers handed over as a `Headers` instance spread to nothing.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { H3Event } from 'h3'
import { createApp, createRouter, eventHandler, fetchWithEvent, toNodeListener } from 'h3'
import { createFetch, Headers } from 'ofetch'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useJobsFetch } from '../../app/composables/useJobsFetch'
import { anonymousUserId } from '../../server/lib/http/user'

const SECRET = 'a-cookie-secret-of-at-least-32-characters'

/** What the API saw of each call: the user, and the Idempotency-Key header. */
let seen: { user: string, key: string | null, method?: string, first?: boolean }[]

let server: Server
let base = ''
/** The page request is served over TLS by the app itself (no proxy in front to say so in a header). */
let tls = false
/** While set, the API answers once it settles (an answer that comes after the page was sent). */
let held: Promise<void> | null = null
/** How the call `/late` made and did not wait for settled. */
let late: Promise<string> | null = null

function serve() {
  const router = createRouter()
  router.use('/api/jobs', eventHandler(async (event) => {
    if (held) await held
    const user = await anonymousUserId(event, SECRET)
    seen.push({ user, key: event.node.req.headers['idempotency-key'] as string ?? null, method: event.method, first: (event.node.req.url ?? '').includes('first=1') })
    return { user }
  }))
  let pageEvent: H3Event | undefined
  router.get('/page', eventHandler(async (event) => {
    pageEvent = event
    if (tls) Object.defineProperty(event.node.req, 'connection', { value: { encrypted: true } })
    const fetchApi = useJobsFetch()
    await fetchApi('/api/jobs')
    await fetchApi('/api/jobs', { method: 'POST', headers: { 'Idempotency-Key': 'k1' } })
    await fetchApi('/api/jobs')
    return 'ok'
  }))
  // A read and a start at once, two reads at once (`Promise.all([list(), listThreads()])`), then
  // two starts at once, then a start.
  router.get('/parallel', eventHandler(async (event) => {
    pageEvent = event
    const fetchApi = useJobsFetch()
    await Promise.all([fetchApi('/api/jobs', { query: { first: '1' } }), fetchApi('/api/jobs', { method: 'POST' })])
    await Promise.all([fetchApi('/api/jobs'), fetchApi('/api/jobs', { query: { limit: '1' } })])
    await Promise.all([fetchApi('/api/jobs', { method: 'POST' }), fetchApi('/api/jobs', { method: 'POST' })])
    await fetchApi('/api/jobs', { method: 'POST' })
    return 'ok'
  }))
  // A user the app names (its resolve-user hook): no cookie is set, and reads made at once go at
  // once (this API answers the first only once the second came).
  let signedArrivals = 0
  let bothSigned!: () => void
  const signedTogether = new Promise<void>((resolve) => {
    bothSigned = resolve
  })
  router.use('/api/signed', eventHandler(async () => {
    if (++signedArrivals === 2) bothSigned()
    await signedTogether
    return { user: 'signed-in' }
  }))
  router.get('/signed', eventHandler(async (event) => {
    pageEvent = event
    const fetchApi = useJobsFetch()
    const answers = await Promise.all([fetchApi<{ user: string }>('/api/signed'), fetchApi<{ user: string }>('/api/signed')])
    return answers.map(answer => answer.user).join(',')
  }))
  // A render that starts a call and does not wait for it (`void remove(id)` in setup).
  router.get('/late', eventHandler((event) => {
    pageEvent = event
    late = useJobsFetch()('/api/jobs').then(() => 'resolved', (error: Error) => `rejected: ${error.message}`)
    return 'ok'
  }))
  // Nitro's own in-process $fetch (a request to the same app) and the page event's, which spreads
  // the call's headers over the page request's.
  const $fetch = createFetch({ fetch: (input, init) => fetch(`${base}${String(input)}`, init), Headers })
  vi.stubGlobal('useRequestEvent', () => pageEvent)
  vi.stubGlobal('useRequestFetch', () => (request: string, init?: RequestInit) => fetchWithEvent(pageEvent!, request, init as never, { fetch: $fetch as never }))
  return createServer(toNodeListener(createApp().use(router)))
}

async function render(headers: Record<string, string> = {}, overTls = false): Promise<Response> {
  tls = overTls
  return await fetch(`${base}/page`, { headers })
}

beforeEach(async () => {
  seen = []
  held = null
  late = null
  server = serve()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterEach(async () => {
  vi.unstubAllGlobals()
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

describe('SSR calls of one render', () => {
  it('a first visit: every call is the user the first one created, and the page sets that cookie', async () => {
    const page = await render()
    expect(page.status).toBe(200)
    expect(new Set(seen.map(call => call.user)).size).toBe(1)
    expect(page.headers.getSetCookie().filter(line => line.startsWith('bgjobs_uid='))).toHaveLength(1)
  })

  it('a first visit whose render makes calls at once: the first call and every start are the user whose cookie the page sets', async () => {
    const page = await fetch(`${base}/parallel`)
    expect(page.status).toBe(200)
    const cookies = page.headers.getSetCookie().filter(line => line.startsWith('bgjobs_uid='))
    expect(cookies).toHaveLength(1)
    const calls = seen
    seen = []
    // The user the browser will be from now on: the one its jobs must belong to.
    await fetch(`${base}/api/jobs`, { headers: { cookie: cookies[0]!.split(';')[0]! } })
    const browserUser = seen[0]!.user
    expect(calls).toHaveLength(7)
    expect(calls.find(call => call.first)!.user).toBe(browserUser)
    const starts = calls.filter(call => call.method === 'POST').map(call => call.user)
    expect(starts).toEqual([browserUser, browserUser, browserUser, browserUser])
  })

  it('a user the app names (no cookie set): reads made at once are not made to wait for each other', async () => {
    const page = await fetch(`${base}/signed`)
    expect(await page.text()).toBe('signed-in,signed-in')
  })

  it('headers the caller sets (Idempotency-Key) reach the API', async () => {
    await render()
    expect(seen[1]!.key).toBe('k1')
  })

  it('a returning visitor on a page the app serves over TLS itself: every call is that visitor', async () => {
    // The visitor's __Host- cookie, from an API call over https.
    const first = await fetch(`${base}/api/jobs`, { headers: { 'x-forwarded-proto': 'https' } })
    const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!
    expect(cookie).toMatch(/^__Host-bgjobs_uid=/)
    seen = []
    const page = await render({ cookie }, true)
    expect(page.status).toBe(200)
    expect(seen.map(call => call.user)).toEqual([(await first.json() as { user: string }).user, expect.any(String), expect.any(String)])
    expect(new Set(seen.map(call => call.user)).size).toBe(1)
  })

  it('a cookie that no longer unseals (another secret, a restarted server without cookieSecret): every call is the one new user', async () => {
    const page = await render({ cookie: 'theme=dark; bgjobs_uid=Fe26.2**stale' })
    expect(page.status).toBe(200)
    expect(new Set(seen.map(call => call.user)).size).toBe(1)
    expect(page.headers.getSetCookie().filter(line => line.startsWith('bgjobs_uid='))).toHaveLength(1)
  })

  it('a call the render did not wait for, answered with a new user cookie after the page was sent, resolves (nothing is set on a sent page)', async () => {
    let answer!: () => void
    held = new Promise((resolve) => {
      answer = resolve
    })
    const page = await fetch(`${base}/late`)
    expect(await page.text()).toBe('ok')
    expect(page.headers.getSetCookie()).toEqual([])
    answer()
    expect(await late).toBe('resolved')
    expect(seen).toHaveLength(1)
  })
})
