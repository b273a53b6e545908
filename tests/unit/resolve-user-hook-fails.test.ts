/**
 * A `background-jobs:resolve-user` hook that fails (the app's session store is down) must not turn
 * a signed-in user into the anonymous cookie's user — they would see an empty list, and start jobs
 * their account never sees. Such a request is refused with a 503 to retry; a 4xx the hook throws
 * on purpose (`requireUserSession`'s 401) reaches the client as the app meant it.
 */
import type { H3Event } from 'h3'
import { createError } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { UserUnresolvedError } from '../../server/lib/errors'
import { toHttpError } from '../../server/lib/http/handler'
import { resolveUser } from '../../server/lib/http/resolve-user'

const hook = vi.hoisted(() => ({ run: async (_context: { userId: string | null }) => {} }))
vi.mock('nitropack/runtime', () => ({
  useNitroApp: () => ({ hooks: { callHook: (_name: string, context: { userId: string | null }) => hook.run(context) } }),
}))

beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {})
})

afterEach(() => {
  vi.restoreAllMocks()
})

/** A request with no cookie, as far as resolveUser reads it. */
const fakeEvent = () => ({ context: {}, node: { req: { headers: {} }, res: { setHeader: () => {}, getHeader: () => undefined } } }) as unknown as H3Event

describe('a resolve-user hook that throws', () => {
  it('an unexpected failure is a 503 with Retry-After, never the anonymous user', async () => {
    hook.run = async () => {
      throw new Error('session store: connect ECONNREFUSED')
    }
    const failed = await resolveUser(fakeEvent(), DEFAULT_CONFIG).catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(UserUnresolvedError)
    const headers: Record<string, unknown> = {}
    const event = { node: { res: { setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = value } } } } as unknown as H3Event
    const http = toHttpError(event, failed) as unknown as { statusCode: number, message: string }
    expect(http.statusCode).toBe(503)
    expect(http.message).toBe('Could not tell who is asking (the app\'s resolve-user hook failed); retry shortly')
    expect(headers['retry-after']).toBe(5)
  })

  it('a 4xx it throws on purpose reaches the client as it is', async () => {
    hook.run = async () => {
      throw createError({ statusCode: 401, message: 'Sign in first' })
    }
    await expect(resolveUser(fakeEvent(), DEFAULT_CONFIG)).rejects.toMatchObject({ statusCode: 401, message: 'Sign in first' })
  })

  it('a hook that sets the user, or leaves it null, works as before', async () => {
    hook.run = async (context) => {
      context.userId = 'user-7'
    }
    await expect(resolveUser(fakeEvent(), DEFAULT_CONFIG)).resolves.toBe('user-7')
    hook.run = async () => {}
    await expect(resolveUser(fakeEvent(), { ...DEFAULT_CONFIG, allowAnonymous: false })).rejects.toMatchObject({ statusCode: 401 })
  })
})
