/**
 * Anonymous users are `anon_<session id>`; a resolve-user hook's user is whatever id the app
 * gives. An app id starting with `anon_` shared the anonymous users' namespace: the app's user
 * `anon_x` and the anonymous visitor `anon_x` were one owner, each reading, answering and deleting
 * the other's jobs. Such an id is now refused (the app's bug: a 500, logged without the id).
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

describe('a resolve-user hook id starting with the anonymous prefix', () => {
  it('is refused: never the same owner as an anonymous visitor', async () => {
    const visitor = (await userOf('/')).text
    expect(visitor).toMatch(/^anon_./)
    // The app's user named exactly as that visitor.
    const app = await userOf('/route', visitor)
    expect(app.status).toBe(500)
    expect(app.text).not.toContain(visitor)
    const line = logged.find(each => each.includes('resolve-user hook set userId'))
    expect(line).toContain('an id starting with \\"anon_\\", the prefix of the anonymous cookie\'s users')
    expect(logged.join('\n')).not.toContain(visitor)
  })

  it('other ids, also ones merely containing it or close to it, are users as before', async () => {
    for (const id of ['anon', 'anonymous-7', 'Anon_7', 'user_anon_7', '42']) {
      expect(await userOf('/route', id)).toEqual({ status: 200, text: id })
    }
  })
})
