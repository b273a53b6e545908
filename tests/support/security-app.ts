/**
 * The app and mock upstream the security e2e tests share (tests/e2e/security*.test.ts): low abuse
 * limits, a trusted partner origin, and an upstream that asks for approval, answers slowly, or
 * echoes the API key back in an error body and an error chunk. A test file calls
 * `useSecurityApp()` once, then reads `app` and `upstream` inside its tests.
 */
import { afterAll, beforeAll, expect } from 'vitest'
import type { AppServer } from './app-server'
import { startAppServer } from './app-server'
import type { MockUpstream } from './mock-upstream'
import { startMockUpstream, userMessageOf } from './mock-upstream'

/** The upstream API key the app is given (it must never show in any output). */
export const API_KEY = 'sk-security-secret-key-abcdef0123'
/** A client's own Authorization token (it must never show in any output either). */
export const CLIENT_TOKEN = 'client-bearer-SECRET-9876'
/** The metrics (ops) token. */
export const TOKEN = 'ops-token-security'

/** The mock upstream of the running test file (set once `useSecurityApp`'s beforeAll ran). */
export let upstream: MockUpstream
/** The app of the running test file (set once `useSecurityApp`'s beforeAll ran). */
export let app: AppServer

/** Starts the upstream and the app before the file's tests and stops them after. */
export function useSecurityApp(): void {
  beforeAll(async () => {
    upstream = await startMockUpstream((request) => {
      const text = userMessageOf(request)
      const hasToolResult = ((request.body?.messages ?? []) as Array<{ role: string }>).some(message => message.role === 'tool')
      if (text.startsWith('approval') && !hasToolResult) return { chunks: ['Deleting. '], toolCalls: [{ name: 'delete_file', arguments: '{"path":"/tmp/x"}' }] }
      if (text.startsWith('slow')) return { chunks: Array.from({ length: 60 }, () => 'tick '), delayMs: 50 }
      // An upstream that echoes the credentials it got, in an error body and in an error chunk.
      if (text.startsWith('echo-401')) return { status: 401, body: JSON.stringify({ error: { message: `bad key ${API_KEY}; header was Bearer ${API_KEY}` } }) }
      if (text.startsWith('echo-chunk')) return { chunks: ['Partial. '], errorChunkAfter: 1, errorMessage: `key ${API_KEY} is over quota` }
      return { chunks: ['Fine.'] }
    })
    app = await startAppServer({
      NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
      NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: API_KEY,
      NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN,
      NUXT_BACKGROUND_JOBS_LIMITS_CREATE_PER_MINUTE: '5',
      NUXT_BACKGROUND_JOBS_LIMITS_INPUT_PER_MINUTE: '2',
      NUXT_BACKGROUND_JOBS_LIMITS_DELETE_PER_MINUTE: '2',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS_PER_USER: '2',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_BODY_BYTES: '4000',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_MESSAGES: '3',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_MESSAGE_CHARS: '200',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_TOOLS_PER_REQUEST: '2',
      NUXT_BACKGROUND_JOBS_TRUSTED_ORIGINS: 'https://partner.example',
    })
  })

  afterAll(async () => {
    // Whatever the file's tests did, the server's log never holds a secret.
    const log = app?.output() ?? ''
    await app?.stop()
    await upstream?.close()
    for (const secret of [API_KEY, CLIENT_TOKEN, TOKEN]) expect(log).not.toContain(secret)
  })
}

/** A POST /api/jobs body with one user message. */
export const chat = (content: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', content }], ...extra })
