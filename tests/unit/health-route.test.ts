/**
 * GET/HEAD /api/jobs/health (decision 037): the readiness a load balancer or Kubernetes probe asks,
 * without a session. Before it, the only health check was the catalog, which resolves a user (401
 * with anonymous users off, an anonymous cookie per probe otherwise) and 503s when the layer is
 * switched off. It answers 200 `{ status: 'ok' }` once the engine runs and its store answers a ping,
 * and 503 + Retry-After with why not; never a job, a user, a setting or a cookie.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'
import type { EngineSource } from '../../server/lib/engine-instance'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'
import { nitroRuntime } from '../support/nitro-runtime-mock'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

let app: RouteApp | undefined
afterEach(async () => {
  nitroRuntime.userId = 'user-1'
  await app?.close()
  app = undefined
})

/** A probe: no cookie, no session. */
async function probe(method: 'GET' | 'HEAD' = 'GET') {
  const response = await fetch(`${app!.base}/api/jobs/health`, { method })
  const text = await response.text()
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    cookie: response.headers.get('set-cookie'),
    cacheControl: response.headers.get('cache-control'),
    body: text ? JSON.parse(text) as unknown : null,
  }
}

describe('the health route', () => {
  it('answers 200 { status: "ok" } on the memory provider, with no session, no cookie and no cache; HEAD the same without a body', async () => {
    nitroRuntime.userId = null
    app = await serveRoutes({ config: { allowAnonymous: false } })
    expect(await probe()).toEqual({ status: 200, retryAfter: null, cookie: null, cacheControl: 'no-store', body: { status: 'ok' } })
    expect(await probe('HEAD')).toEqual({ status: 200, retryAfter: null, cookie: null, cacheControl: 'no-store', body: null })
  })

  it('answers 200 { status: "disabled" } with the layer switched off: the kill switch does not take the app out of the balancer', async () => {
    app = await serveRoutes({ config: { enabled: false } })
    expect((await probe()).body).toEqual({ status: 'disabled' })
    expect((await probe()).status).toBe(200)
  })

  it('answers 503 + Retry-After { status: "draining" } once the engine is disposed (the shutdown signal)', async () => {
    app = await serveRoutes()
    await app.engine.dispose()
    expect(await probe()).toEqual({ status: 503, retryAfter: '5', cookie: null, cacheControl: 'no-store', body: { status: 'draining' } })
    expect((await probe('HEAD')).status).toBe(503)
  })

  it('answers 503 "starting" while the engine starts (without waiting for it), "failed" after a start failed for good, "draining" after a stopped start', async () => {
    app = await serveRoutes()
    const never = new Promise<never>(() => {})
    const answers: unknown[] = []
    for (const phase of ['starting', 'failed', 'stopped'] as const) {
      setBackgroundJobsEngine({ get: () => never, peek: () => ({ phase, value: null }) } satisfies EngineSource)
      const answer = await probe()
      answers.push([answer.status, answer.retryAfter, answer.body])
    }
    expect(answers).toEqual([[503, '5', { status: 'starting' }], [503, '5', { status: 'failed' }], [503, '5', { status: 'draining' }]])
  })

  it('answers 503 "failed" with reason health-check-error when the check throws, never its text; logs it once while it lasts, and when a check passes again', async () => {
    app = await serveRoutes()
    const lines: Array<{ level: string, line: string }> = []
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(line => void lines.push({ level, line: String(line) }))
    const never = new Promise<never>(() => {})
    setBackgroundJobsEngine({ get: () => never, peek: () => { throw new Error('config read failed at redis://:hunter2@10.0.3.7:6379') } } satisfies EngineSource)
    const answers = [await probe(), await probe(), await probe('HEAD')]
    expect(answers.map(answer => [answer.status, answer.retryAfter, answer.body])).toEqual([
      [503, '5', { status: 'failed', reason: 'health-check-error' }],
      [503, '5', { status: 'failed', reason: 'health-check-error' }],
      [503, '5', null],
    ])
    // One line for the three probes (the next ones are counted), with the error, redacted.
    expect(lines.map(({ level, line }) => [level, JSON.parse(line).message])).toEqual([['error', expect.stringContaining('the health route\'s readiness check failed: it answers failed (503, reason health-check-error)')]])
    expect(lines[0]!.line).toContain('config read failed')
    expect(lines[0]!.line).not.toContain('hunter2')
    setBackgroundJobsEngine({ get: () => never, peek: () => ({ phase: 'starting', value: null }) } satisfies EngineSource)
    expect((await probe()).body).toEqual({ status: 'starting' })
    expect(JSON.parse(lines[1]!.line)).toMatchObject({ message: 'the health route\'s readiness check succeeds again', failures: 3 })
    vi.restoreAllMocks()
  })

  it('answers 503 "provider-unreachable" when the store does not answer its ping, with none of the store\'s words', async () => {
    const ping = vi.fn(() => Promise.reject(new Error('connect ECONNREFUSED 10.0.3.7:6379')))
    app = await serveRoutes({ wrap: provider => Object.assign(provider, { ping }) })
    const answer = await probe()
    expect(answer).toEqual({ status: 503, retryAfter: '5', cookie: null, cacheControl: 'no-store', body: { status: 'provider-unreachable' } })
    expect(ping).toHaveBeenCalled()
  })
})
