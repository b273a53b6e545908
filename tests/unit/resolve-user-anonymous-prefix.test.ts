/**
 * Anonymous users are `anon_<session id>` (a UUID); a resolve-user hook's user is whatever id the
 * app gives. An app id of that shape shares the anonymous users' namespace: the app's user and the
 * anonymous visitor with that id would be one owner, each reading, answering and deleting the
 * other's jobs. Such an id is refused (the app's bug: a 500, logged once, without the id). Other
 * ids starting with `anon_` (`anon_123`, an app's own guests) can never be a visitor's: they are
 * users as before 8840025c, which refused every `anon_` id (and logged each request).
 */
import { eventHandler } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { defineJobsHandler } from '../../server/lib/http/handler'
import { resolveUser } from '../../server/lib/http/resolve-user'
import { useH3Server } from '../support/h3-server'

// The hook names the user of the request's `x-app-user` header, or none (the anonymous cookie).
vi.mock('nitropack/runtime', () => ({
  useNitroApp: () => ({ hooks: { callHook: async (_name: string, context: { event: { node: { req: { headers: Record<string, string | undefined> } } }, userId: unknown }) => {
    context.userId = context.event.node.req.headers['x-app-user'] ?? null
  } } }),
}))
// The routes' handler waits for the engine: one that only gives its config.
vi.mock('../../server/lib/engine-instance', () => ({ useBackgroundJobsEngine: async () => ({ getConfig: () => DEFAULT_CONFIG }) }))

let logged: string[] = []

beforeEach(() => {
  logged = []
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    logged.push(args.map(String).join(' '))
  })
})

afterEach(() => {
  vi.restoreAllMocks()
})

const served = useH3Server(eventHandler(event => (event.path.startsWith('/route') ? routeWithUser(event) : resolveUser(event, DEFAULT_CONFIG))))
const routeWithUser = defineJobsHandler(context => context.userId)

async function userOf(path: string, appUser?: string): Promise<{ status: number, text: string }> {
  const response = await fetch(`http://127.0.0.1:${served.port}${path}`, { headers: appUser === undefined ? {} : { 'x-app-user': appUser } })
  return { status: response.status, text: await response.text() }
}

describe('a resolve-user hook id in the anonymous users\' shape', () => {
  it('is refused: never the same owner as an anonymous visitor; logged once, however often it comes', async () => {
    const visitor = (await userOf('/')).text
    expect(visitor).toMatch(/^anon_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    // The app's user named exactly as that visitor, polling.
    for (let request = 0; request < 3; request++) {
      const app = await userOf('/route', visitor)
      expect(app.status).toBe(500)
      expect(app.text).not.toContain(visitor)
    }
    const lines = logged.filter(each => each.includes('anonymous users\' shape'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('The background-jobs:resolve-user hook set userId to an id of the anonymous cookie\'s users\' shape')
    expect(logged.join('\n')).not.toContain(visitor)
  })

  it('other ids, also ones with the prefix that no visitor can have, are users as before', async () => {
    const uuid = crypto.randomUUID()
    for (const id of ['anon_123', 'anon_alice', 'anon_', `anon_${uuid.toUpperCase()}`, `anon_${uuid}-2`, `anon_${uuid.replaceAll('-', '')}`, 'anon', 'anonymous-7', 'Anon_7', 'user_anon_7', '42']) {
      expect(await userOf('/route', id)).toEqual({ status: 200, text: id })
    }
    expect(logged).toEqual([])
  })
})
