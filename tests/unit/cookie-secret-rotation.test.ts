/**
 * Rotating `cookieSecret` (after a leak, or on a schedule) must not turn every anonymous visitor
 * into a new user who can no longer see their own chats: while `cookieSecretPrevious` holds the old
 * secret, a cookie sealed with it is still that user, and is sealed again with the new secret (same
 * id, same creation time: the session's one-year limit is not extended). Once every cookie was
 * re-sealed, the old secret is unset and opens nothing.
 */
import { eventHandler } from 'h3'
import { describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'
import { resolveUser } from '../../server/lib/http/resolve-user'
import { useH3Server } from '../support/h3-server'

// resolve-user calls the app's hook through Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const OLD = 'the-old-secret-of-at-least-32-characters!'
const NEW = 'the-new-secret-of-at-least-32-characters!'

// The secrets of each request come from its headers, as a restart with new variables would set them.
const served = useH3Server(eventHandler(event => resolveUser(event, resolveConfig({
  cookieSecret: String(event.node.req.headers['x-secret']),
  cookieSecretPrevious: String(event.node.req.headers['x-previous'] ?? ''),
}))))

async function visit(secrets: { secret: string, previous?: string }, cookie?: string) {
  const response = await fetch(`http://127.0.0.1:${served.port}/`, {
    headers: { 'x-secret': secrets.secret, ...(secrets.previous ? { 'x-previous': secrets.previous } : {}), ...(cookie ? { cookie } : {}) },
  })
  const setCookie = response.headers.get('set-cookie')
  return { id: await response.text(), setCookie, pair: setCookie?.split(';')[0] ?? null }
}

describe('rotating the anonymous cookie secret', () => {
  it('a cookie sealed with cookieSecretPrevious is the same user, and comes back sealed with the new secret', async () => {
    const before = await visit({ secret: OLD })
    expect(before.id).toMatch(/^anon_/)

    const during = await visit({ secret: NEW, previous: OLD }, before.pair!)
    expect(during.id).toBe(before.id)
    expect(during.pair).not.toBeNull()
    expect(during.pair).not.toBe(before.pair)
    // The re-sealed cookie keeps the session's end: same Expires as the first one.
    expect(/Expires=([^;]+)/.exec(during.setCookie!)?.[1]).toBe(/Expires=([^;]+)/.exec(before.setCookie!)?.[1])

    // After the rotation (old secret unset), the re-sealed cookie is still the same user…
    const after = await visit({ secret: NEW }, during.pair!)
    expect(after.id).toBe(before.id)
    expect(after.setCookie).toBeNull()
    // …and one sealed with the old secret opens nothing any more.
    expect((await visit({ secret: NEW }, before.pair!)).id).not.toBe(before.id)
  })

  it('a cookie sealed with neither secret is a new user', async () => {
    const stranger = await visit({ secret: 'a-third-secret-of-at-least-32-characters' })
    const fresh = await visit({ secret: NEW, previous: OLD }, stranger.pair!)
    expect(fresh.id).not.toBe(stranger.id)
  })

  it('cookieSecretPrevious, when set, needs 32 characters too', () => {
    expect(configProblems(resolveConfig({ cookieSecret: NEW, cookieSecretPrevious: 'short' }))).toEqual([
      'backgroundJobs.cookieSecretPrevious (NUXT_BACKGROUND_JOBS_COOKIE_SECRET_PREVIOUS) must be at least 32 characters long: random text of at least 32 characters, the same on every instance (e.g. `openssl rand -hex 32`)',
    ])
    expect(configProblems(resolveConfig({ cookieSecret: NEW, cookieSecretPrevious: OLD }))).toEqual([])
  })
})
