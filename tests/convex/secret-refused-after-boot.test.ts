/**
 * A deployment that stops accepting the servers' secret after boot (its BACKGROUND_JOBS_SECRET
 * rotated without BACKGROUND_JOBS_SECRET_PREVIOUS, or removed): every call is refused. The routes
 * answered each request with a 500 whose message told the client the operator's variables, and
 * logged nothing, so the operator had no line to find. Now a 503 with `Retry-After` and a plain
 * client message; the refusal, naming the settings (never the secret), is logged once.
 */
import type { H3Event } from 'h3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ConvexTestBackend } from '../../server/lib/providers/convex-test-facade'
import { createBackend, createInstance, newJob, TEST_SECRET } from './backend'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const RETRY_AFTER_SECONDS = 7

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
})

/** The status, message and `Retry-After` a route answers with for `error`. */
function asRoute(toHttpError: (event: H3Event, error: unknown) => unknown, error: unknown) {
  const headers: Record<string, unknown> = {}
  const event = { method: 'GET', path: '/api/jobs', node: { res: { setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = value } } } } as unknown as H3Event
  const http = toHttpError(event, error) as { statusCode: number, message: string }
  return { status: http.statusCode, message: http.message, retryAfter: headers['retry-after'] }
}

describe('a secret the deployment stops accepting after boot', () => {
  it('answers 503 with Retry-After, names no setting to the client, and logs the refusal once', async () => {
    // Fresh route modules: the outage log's state is the routes' own, per process.
    vi.resetModules()
    const { toHttpError } = await import('../../server/lib/http/handler')
    const { createConvexProvider } = await import('../../server/lib/providers/convex')
    const { createConvexTestFacade } = await import('../../server/lib/providers/convex-test-facade')
    const backend = createBackend()
    await createInstance(backend).provider.create(newJob({ id: 'job-x', userId: 'user-1' }))
    const provider = createConvexProvider({ facade: createConvexTestFacade(backend as unknown as ConvexTestBackend, TEST_SECRET), retryAfterSeconds: RETRY_AFTER_SECONDS })
    expect((await provider.get('job-x'))?.id).toBe('job-x')
    // The deployment's secret is changed with no previous one kept: this server's is refused.
    vi.stubEnv('BACKGROUND_JOBS_SECRET', 'rotated-secret-0123456789abcdef0123456789')
    const lines: string[] = []
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation((line: unknown) => void lines.push(String(line)))
    const answers = []
    for (let request = 0; request < 3; request++) answers.push(asRoute(toHttpError, await provider.get('job-x').catch((error: unknown) => error)))
    for (const answer of answers) {
      expect(answer.status).toBe(503)
      expect(answer.retryAfter).toBe(RETRY_AFTER_SECONDS)
      expect(answer.message).toMatch(/Convex/)
      expect(answer.message).not.toMatch(/SECRET|NUXT_/)
    }
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/NUXT_BACKGROUND_JOBS_CONVEX_SECRET/)
    expect(lines[0]).not.toContain(TEST_SECRET)
  })
})
