/**
 * A 401 must carry `WWW-Authenticate` with a challenge (RFC 9110 §15.5.2, §11.6.1); the routes'
 * 401 of a request without a user (`allowAnonymous` off, or the app's resolve-user hook's own
 * 401, e.g. `requireUserSession`) carried none. The login is the app's session cookie, which no
 * registered HTTP scheme names: the routes send `Cookie realm="background-jobs"` (the scheme of
 * the cookie-based authentication draft; browsers show no login dialog for it, unlike `Basic`).
 * An app that signs in by a header and sets its own challenge in the hook keeps it.
 */
import { describe, expect, it, vi } from 'vitest'
import { createError, setResponseHeader } from 'h3'
import type { H3Event } from 'h3'
import { useServedRoutes } from '../support/route-app'

/** What the app's resolve-user hook does in the running test. */
const hook = { mode: 'none' as 'none' | 'throw-401' | 'own-challenge' }

vi.mock('nitropack/runtime', () => ({
  useRuntimeConfig: () => ({ app: { baseURL: '/' } }),
  useNitroApp: () => ({ hooks: { callHook: async (_name: string, context: { event: H3Event, userId?: string | null }) => {
    if (!('userId' in context)) return
    if (hook.mode === 'throw-401') throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'Sign in on the app' })
    if (hook.mode === 'own-challenge') setResponseHeader(context.event, 'www-authenticate', 'Bearer realm="app"')
    context.userId = null
  } } }),
}))

const app = useServedRoutes({ config: { allowAnonymous: false, metricsToken: 'ops-token-0123456789abcdef' } })

async function answer(path: string, init: RequestInit = {}) {
  const response = await fetch(`${app.base}${path}`, init)
  await response.arrayBuffer()
  return { status: response.status, challenge: response.headers.get('www-authenticate') }
}

describe('the 401 of a request without a user', () => {
  it.each([
    ['GET', '/api/jobs'],
    ['HEAD', '/api/jobs'],
    ['GET', '/api/jobs/some-job/stream'],
    ['POST', '/api/jobs/some-job/abort'],
    ['GET', '/api/jobs/chat/some-chat/stream'],
  ])('%s %s names the session cookie as its challenge', async (method, path) => {
    hook.mode = 'none'
    expect(await answer(path, { method })).toEqual({ status: 401, challenge: 'Cookie realm="background-jobs"' })
  })

  it('the app\'s own 401 from its hook gets the same challenge; a challenge the app set is kept', async () => {
    hook.mode = 'throw-401'
    expect(await answer('/api/jobs')).toEqual({ status: 401, challenge: 'Cookie realm="background-jobs"' })
    hook.mode = 'own-challenge'
    expect(await answer('/api/jobs')).toEqual({ status: 401, challenge: 'Bearer realm="app"' })
  })

  it('other answers carry none; the metrics route keeps its Bearer', async () => {
    hook.mode = 'none'
    expect((await answer('/api/jobs/nope', { method: 'PUT' })).challenge).toBeNull()
    expect(await answer('/api/jobs/metrics')).toEqual({ status: 401, challenge: 'Bearer' })
  })
})
