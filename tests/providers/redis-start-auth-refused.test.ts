/**
 * A wrong Redis password at boot, as an operator sees it. The start fails at every attempt and is
 * tried again (a password fixed on Redis's side is picked up), but the health route answered
 * `503 { status: 'starting' }` for as long as the instance ran — a probe stuck there read as a slow
 * boot — and no metric counted the failed starts. It now answers `{ status: 'failed', reason:
 * 'store-auth-refused' }` from the first refusal (never the password, nor the store's words), and
 * `start_failures_total{reason}` counts each attempt; an unreachable Redis is still
 * `starting` (it may come back by itself). The wiring is the layer plugin's (start-failure.ts
 * `createStartReport`), against a real redis-server with `requirepass`.
 */
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createClient } from 'redis'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'
import { startWithRetry } from '../../server/lib/engine-startup'
import { createConsoleLogger } from '../../server/lib/logger'
import { createMetrics } from '../../server/lib/metrics'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'
import { createStartReport } from '../../server/lib/start-failure'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { unusedModel } from '../support/engine-harness'
import { idleRunners, serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'
import { useRedisServer } from '../support/redis-server'
import { freePort } from '../support/server-process'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const PASSWORD = 'right-horse-battery'
const WRONG = 'wrong-staple-9f3k'
const redis = useRedisServer(['--requirepass', PASSWORD])

let app: RouteApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

/**
 * Starts the engine on `redisUrl` as the layer's plugin does (its start report, the console
 * logger: `logged` is every line it wrote); `failedTimes(n)` resolves once n attempts have failed.
 */
function startOn(redisUrl: string) {
  const config = resolveConfig({ provider: 'redis', redisUrl })
  const logged: string[] = []
  for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(line => void logged.push(String(line)))
  const logger = createConsoleLogger()
  const metrics = createMetrics()
  const report = createStartReport({ logger, metrics })
  let failures = 0
  const waiters: Array<{ times: number, resolve: () => void }> = []
  const startup = startWithRetry(() => createProviderFromConfig(config, { logger }).then(provider => createEngine({
    provider,
    getConfig: () => config,
    createModelClient: () => unusedModel,
    runners: idleRunners,
    tools: createToolRegistry([]),
    workflows: createWorkflowRegistry([], { toolNames: [] }),
    logger,
  })), {
    provider: 'redis',
    isRetryable: report.isRetryable,
    describeFailure: report.describeFailure,
    onFailure: (error, retryInMs) => {
      report.onFailure(error, retryInMs)
      failures++
      for (const waiter of waiters) if (failures >= waiter.times) waiter.resolve()
    },
    discard: engine => void engine.dispose(),
    // Tried again at once: the test waits for attempts, not for time.
    firstRetryDelayMs: 10,
    maxRetryDelayMs: 10,
  })
  onTestFinished(async () => {
    startup.stop()
    await (await startup.settled)?.dispose()
    vi.restoreAllMocks()
  })
  setBackgroundJobsEngine({ get: () => startup.get(), stop: () => startup.stop(), config: () => config, peek: () => startup.peek() })
  const failedTimes = (times: number) => failures >= times ? Promise.resolve() : new Promise<void>(resolve => void waiters.push({ times, resolve }))
  const counted = (reason: string) => metrics.snapshot().counters[`start_failures_total{reason="${reason}"}`] ?? 0
  return { startup, logged, counted, failedTimes }
}

/** The health route's answer, as a probe gets it. */
async function probe() {
  const response = await fetch(`${app!.base}/api/jobs/health`)
  return { status: response.status, text: await response.text() }
}

describe('an engine start that Redis refuses', () => {
  it('answers the health route "failed" with reason store-auth-refused from the first refusal, counted, the password in no line', async () => {
    app = await serveRoutes()
    // A wrong password, and none where Redis requires one.
    for (const [url, said] of [[redis.url.replace('redis://', `redis://:${WRONG}@`), 'WRONGPASS'], [redis.url, 'NOAUTH']] as const) {
      const { startup, logged, counted, failedTimes } = startOn(url)
      await failedTimes(1)
      expect(startup.peek()).toEqual({ phase: 'failed', value: null, reason: 'store-auth-refused' })
      expect(await probe()).toEqual({ status: 503, text: JSON.stringify({ status: 'failed', reason: 'store-auth-refused' }) })
      expect(counted('store-auth-refused')).toBeGreaterThanOrEqual(1)
      expect(counted('store-unreachable')).toBe(0)
      // The log says why; the password is in no line.
      expect(logged.find(line => line.includes('engine failed to start'))).toContain(said)
      expect(logged.join('\n')).not.toContain(WRONG)
      startup.stop()
    }
  })

  it('is still tried again: a password fixed on Redis\'s side starts it, and the health route says ok', async () => {
    app = await serveRoutes()
    const { startup, counted, failedTimes } = startOn(redis.url.replace('redis://', `redis://:${WRONG}@`))
    // Tried again, failing the same way: `failed` all along, each attempt counted.
    await failedTimes(2)
    expect(counted('store-auth-refused')).toBeGreaterThanOrEqual(2)
    expect(JSON.parse((await probe()).text)).toEqual({ status: 'failed', reason: 'store-auth-refused' })
    const admin = createClient({ url: redis.url.replace('redis://', `redis://:${PASSWORD}@`) })
    await admin.connect()
    // Fixed on Redis's side: it now expects the password the app has.
    await admin.sendCommand(['CONFIG', 'SET', 'requirepass', WRONG])
    await admin.close()
    onTestFinished(async () => {
      const restore = createClient({ url: redis.url.replace('redis://', `redis://:${WRONG}@`) })
      await restore.connect()
      await restore.sendCommand(['CONFIG', 'SET', 'requirepass', PASSWORD])
      await restore.close()
    })
    expect(await startup.settled).not.toBeNull()
    expect(startup.peek().phase).toBe('started')
    expect(await probe()).toEqual({ status: 200, text: JSON.stringify({ status: 'ok' }) })
  })

  it('an unreachable Redis is still "starting" (it may come back by itself), counted as store-unreachable', async () => {
    app = await serveRoutes()
    const { startup, counted, failedTimes } = startOn(`redis://127.0.0.1:${await freePort()}`)
    await failedTimes(1)
    expect(startup.peek()).toEqual({ phase: 'starting', value: null })
    expect(await probe()).toEqual({ status: 503, text: JSON.stringify({ status: 'starting' }) })
    expect(counted('store-unreachable')).toBeGreaterThanOrEqual(1)
    expect(counted('store-auth-refused')).toBe(0)
  })
})
