/**
 * What the routes log themselves — an app hook that threw, an unexpected error — goes through the
 * redacting logger like the engine's lines: an auth hook's error that quotes the bearer token or
 * API key it refused never reaches the log.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { UserUnresolvedError } from '../../server/lib/errors'
import { toHttpError } from '../../server/lib/http/handler'
import { resolveFeatureFlags } from '../../server/lib/http/resolve-flags'
import { resolveUser } from '../../server/lib/http/resolve-user'

const TOKEN = 'eyJhbGciOi.user-session-SECRET'
const API_KEY = 'sk-live-0123456789abcdef'

const failingHooks = vi.hoisted(() => ({ error: new Error('') }))
vi.mock('nitropack/runtime', () => ({
  useNitroApp: () => ({ hooks: { callHook: () => Promise.reject(failingHooks.error) } }),
}))

let logged: string[] = []

beforeEach(() => {
  logged = []
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    logged.push(parts.map(part => (typeof part === 'string' ? part : JSON.stringify(part))).join(' '))
  })
})

afterEach(() => {
  vi.restoreAllMocks()
})

const fakeEvent = () => ({ context: {} }) as unknown as H3Event

describe('route logs are redacted', () => {
  it('a resolve-user hook that throws with the token it refused', async () => {
    failingHooks.error = new Error(`session rejected: Bearer ${TOKEN}`)
    await expect(resolveUser(fakeEvent(), { ...DEFAULT_CONFIG, allowAnonymous: false })).rejects.toBeInstanceOf(UserUnresolvedError)
    expect(logged.join('\n')).toContain('resolve-user hook failed')
    expect(logged.join('\n')).not.toContain(TOKEN)
  })

  it('a feature-flags hook that throws with an API key', async () => {
    failingHooks.error = new Error(`flag service refused key ${API_KEY}`)
    await resolveFeatureFlags(fakeEvent(), 'user-1', DEFAULT_CONFIG)
    expect(logged.join('\n')).toContain('feature-flags hook failed')
    expect(logged.join('\n')).not.toContain(API_KEY)
  })

  it('an unexpected error (a 500) whose message holds a bearer token', () => {
    const event = { context: {}, method: 'POST', path: `/api/jobs/abc/input?token=${TOKEN}` } as unknown as H3Event
    const answer = toHttpError(event, new Error(`upstream said: invalid Authorization Bearer ${TOKEN}`))
    expect((answer as { statusCode?: number }).statusCode).toBe(500)
    expect(logged.join('\n')).toContain('unexpected error')
    // Names the route, never its query string.
    expect(logged.join('\n')).toContain('"method":"POST","path":"/api/jobs/abc/input"')
    expect(logged.join('\n')).not.toContain(TOKEN)
  })
})
