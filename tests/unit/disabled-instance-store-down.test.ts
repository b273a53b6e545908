/**
 * `NUXT_BACKGROUND_JOBS_ENABLED=false` on an instance configured for a shared store that cannot be
 * reached (the operator switched the layer off there, often because of that store). The instance
 * runs no job, yet its boot still connected to the store first: every jobs route answered the
 * store's 503 ("not reachable yet … retry shortly") instead of the one naming the flag that
 * docs/feature-flags.md promises, and the boot tried again and logged a failure for as long as the store stayed
 * away. A disabled instance now needs no store: it starts at once and its routes name the flag.
 */
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'
import { startWithRetry } from '../../server/lib/engine-startup'
import { StoreUnreachableError } from '../../server/lib/errors'
import { silentLogger } from '../../server/lib/logger'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'
import { unusedModel } from '../support/engine-harness'
import { idleRunners, serveRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** A local port nothing listens on (connections to it are refused at once). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

it('a disabled instance whose Redis is down answers the flag\'s 503 and does not keep trying the store', async () => {
  const app = await serveRoutes()
  const config = resolveConfig({ enabled: false, provider: 'redis', redisUrl: `redis://127.0.0.1:${await closedPort()}`, cookieSecret: 'a-secret-every-instance-shares-0123456789' })
  const failures: string[] = []
  // As the layer's plugin starts its engine (server/plugins/background-jobs.ts).
  const startup = startWithRetry(() => createProviderFromConfig(config, { logger: silentLogger }).then(provider => createEngine({
    provider,
    getConfig: () => config,
    createModelClient: () => unusedModel,
    runners: idleRunners,
    tools: { register() {}, get: () => undefined, list: () => [], toModelTools: () => [] },
    workflows: { get: () => undefined, list: () => [] },
  })), { provider: config.provider, isRetryable: error => error instanceof StoreUnreachableError, onFailure: error => failures.push((error as Error).message), discard: engine => void engine.dispose() })
  setBackgroundJobsEngine(startup)
  try {
    const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) })
    const { message } = await response.json() as { message: string }
    expect({ status: response.status, message, failures }).toEqual({ status: 503, message: expect.stringContaining('NUXT_BACKGROUND_JOBS_ENABLED'), failures: [] })
  }
  finally {
    startup.stop()
    await (await startup.settled)?.dispose()
    await app.close()
  }
})
