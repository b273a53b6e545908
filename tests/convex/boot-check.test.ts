/**
 * The convex provider's boot check (`ready()`): a deployment that cannot serve this server fails
 * the boot naming the setting to fix, and is tried again (a `StoreUnreachableError`), instead of
 * booting and answering every request 503 or 500. A deployment without the layer's functions, or
 * with older ones, was `starting` on the health route for as long as it lasted, while only a deploy
 * ends it: it is a `failed` start (`store-functions-outdated`, decision 049), still tried again.
 */
import { convexTest } from 'convex-test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import schema from '../../convex/schema'
import { FUNCTIONS_VERSION } from '../../convex/version'
import { StoreUnreachableError } from '../../server/lib/errors'
import { createMetrics } from '../../server/lib/metrics'
import { createConsoleLogger } from '../../server/lib/logger'
import { startWithRetry } from '../../server/lib/engine-startup'
import { createStartReport, startFailureOf } from '../../server/lib/start-failure'
import { createConvexProvider } from '../../server/lib/providers/convex'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import { type ConvexTestBackend, createConvexTestFacade } from '../../server/lib/providers/convex-test-facade'
import { createBackend, createInstance, TEST_SECRET } from './backend'
import { createFaultyFacade } from './fault-facade'

const URL_VARIABLE = 'NUXT_BACKGROUND_JOBS_CONVEX_URL'

/** What a real deployment answers for a function it does not have. */
const NOT_DEPLOYED = '[Request ID: 1] Server Error\nCould not find public function for \'health:check\'. Did you forget to run `npx convex dev` or `npx convex deploy`?'

/** The start failure of functions not deployed, or older than this server's: only a deploy ends it. */
const OUTDATED = { reason: 'store-functions-outdated', failed: true }

/** The boot's error, which must be retried like an unreachable store. */
async function bootError(ready: Promise<void>): Promise<Error> {
  const error = await ready.then(() => null, (caught: unknown) => caught)
  expect(error).toBeInstanceOf(StoreUnreachableError)
  return error as Error
}

afterEach(() => {
  vi.useRealTimers()
})

describe('the convex provider checks its deployment at boot', () => {
  it('starts against a deployment with this version of the functions', async () => {
    const { provider } = createInstance(createBackend())
    await expect(provider.ready()).resolves.toBeUndefined()
    await provider.dispose()
  })

  it('fails naming the secret variable when the deployment refuses the secret, never showing it', async () => {
    const wrongSecret = 'not-the-deployment-secret-0123456789abcdef'
    const facade = createConvexTestFacade(createBackend() as unknown as ConvexTestBackend, wrongSecret)
    const error = await bootError(createConvexProvider({ facade }).ready())
    expect(error.message).toMatch(/NUXT_BACKGROUND_JOBS_CONVEX_SECRET/)
    expect(error.message).toMatch(URL_VARIABLE)
    expect(error.message).not.toContain(wrongSecret)
    expect(error.message).not.toContain(TEST_SECRET)
  })

  it('fails naming the deployment\'s variable when the deployment has no secret set', async () => {
    const saved = process.env.BACKGROUND_JOBS_SECRET
    delete process.env.BACKGROUND_JOBS_SECRET
    try {
      const { provider } = createInstance(createBackend())
      const error = await bootError(provider.ready())
      expect(error.message).toMatch(/npx convex env set BACKGROUND_JOBS_SECRET/)
    }
    finally {
      process.env.BACKGROUND_JOBS_SECRET = saved
    }
  })

  it('fails naming the URL variable and the deploy step when the functions are not deployed', async () => {
    const wrap = (facade: ConvexFacade) => {
      const faulty = createFaultyFacade(facade)
      faulty.failNext('health:check', new Error(NOT_DEPLOYED))
      return faulty
    }
    const { provider } = createInstance(createBackend(), { wrap })
    const error = await bootError(provider.ready())
    expect(error.message).toMatch(URL_VARIABLE)
    expect(error.message).toMatch(/does not have the layer's Convex functions.*npx convex deploy/)
    expect(startFailureOf(error)).toEqual(OUTDATED)
  })

  it('fails the same way against functions of a version without the check', async () => {
    // An older deployment: the layer's functions without health.ts.
    const loaded = import.meta.glob('../../convex/**/*.*s', { eager: true })
    const older = Object.fromEntries(Object.entries(loaded).filter(([path]) => !path.endsWith('/health.ts')).map(([path, module]) => [path, () => Promise.resolve(module)]))
    const backend = convexTest({ schema, modules: older }) as unknown as ConvexTestBackend
    const provider = createConvexProvider({ facade: createConvexTestFacade(backend, TEST_SECRET) })
    const error = await bootError(provider.ready())
    expect(error.message).toMatch(/does not have the layer's Convex functions.*npx convex deploy/)
    expect(startFailureOf(error)).toEqual(OUTDATED)
  })

  it('fails naming the version needed when the functions deployed are older', async () => {
    const wrap = (facade: ConvexFacade): ConvexFacade => ({
      ...facade,
      query: async (query, args, options) => ((query as unknown as string) === 'health:check' ? { version: FUNCTIONS_VERSION - 1 } : facade.query(query, args, options)) as never,
    })
    const { provider } = createInstance(createBackend(), { wrap })
    const error = await bootError(provider.ready())
    expect(error.message).toContain(`at version ${FUNCTIONS_VERSION - 1}, and this server needs version ${FUNCTIONS_VERSION} or later`)
    expect(error.message).toMatch(URL_VARIABLE)
    expect(startFailureOf(error)).toEqual(OUTDATED)
  })

  it('fails naming the URL variable when the deployment does not answer', async () => {
    vi.useFakeTimers()
    let faulty!: ReturnType<typeof createFaultyFacade>
    const wrap = (facade: ConvexFacade) => (faulty = createFaultyFacade(facade))
    const { provider } = createInstance(createBackend(), { wrap, timeoutMs: 1_000 })
    // A URL to a deployment that does not exist: the client keeps trying to connect, nothing answers.
    faulty.disconnect()
    const ready = bootError(provider.ready())
    await vi.advanceTimersByTimeAsync(1_000)
    const error = await ready
    expect(error.message).toMatch(`(${URL_VARIABLE}) did not answer: check the URL`)
    // It may come up by itself: still `starting`.
    expect(startFailureOf(error)).toEqual({ reason: 'store-unreachable', failed: false })
    await provider.dispose()
  })

  it('is a failed start while the functions are not deployed, counted, and starts once they are, without a restart', async () => {
    let deployed = false
    const wrap = (facade: ConvexFacade): ConvexFacade => ({
      ...facade,
      query: async (query, args, options) => {
        if ((query as unknown as string) === 'health:check' && !deployed) throw new Error(NOT_DEPLOYED)
        return facade.query(query, args, options)
      },
    })
    const { provider } = createInstance(createBackend(), { wrap })
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const metrics = createMetrics()
    const report = createStartReport({ logger: createConsoleLogger(), metrics })
    let failures = 0
    let failedTwice!: () => void
    const twice = new Promise<void>((resolve) => {
      failedTwice = resolve
    })
    const startup = startWithRetry(() => provider.ready().then(() => provider), {
      provider: 'convex',
      isRetryable: report.isRetryable,
      describeFailure: report.describeFailure,
      onFailure: (error, retryInMs) => {
        report.onFailure(error, retryInMs)
        if (++failures === 2) failedTwice()
      },
      discard: () => {},
      // Tried again at once: the test waits for attempts, not for time.
      firstRetryDelayMs: 1,
      maxRetryDelayMs: 1,
    })
    try {
      await twice
      // Tried again, and `failed` meanwhile (the health route's `{ status: 'failed', reason }`).
      expect(startup.peek()).toEqual({ phase: 'failed', value: null, reason: 'store-functions-outdated' })
      expect(metrics.snapshot().counters['start_failures_total{reason="store-functions-outdated"}']).toBeGreaterThanOrEqual(2)
      expect(metrics.snapshot().counters['start_failures_total{reason="store-unreachable"}'] ?? 0).toBe(0)
      deployed = true
      expect(await startup.settled).toBe(provider)
      expect(startup.peek().phase).toBe('started')
    }
    finally {
      startup.stop()
      await provider.dispose()
      vi.restoreAllMocks()
    }
  })
})
