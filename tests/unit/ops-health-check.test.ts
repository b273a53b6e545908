/**
 * What docs/reverse-proxy.md tells an operator to point a load balancer's health check at must answer a
 * probe as said. It said `HEAD` is a `405` (every GET route answers HEAD: api.md) and to use
 * `GET /api/jobs/catalog` without more — but the catalog resolves a user like every jobs route:
 * with `allowAnonymous` off (what production-checklist.md recommends for an app with its own login) a probe, which
 * carries no session, gets a 401 for ever and the instance is never healthy; with
 * `NUXT_BACKGROUND_JOBS_ENABLED=false` it is a 503, and the kill switch takes the whole app out.
 * reverse-proxy.md now points health checks at GET /api/jobs/health (decision 037, health-route)
 * and says why not the catalog: these cases keep that warning true.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'
import { nitroRuntime } from '../support/nitro-runtime-mock'
import { ROOT } from '../support/server-process'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const ops = readFileSync(join(ROOT, 'docs/reverse-proxy.md'), 'utf8')
/** The paragraph of reverse-proxy.md that names the health check's route. */
const healthAdvice = ops.split(/\n(?=- \*\*|\n)/).find(part => /health check/i.test(part) && part.includes('/api/jobs/catalog')) ?? ''

let app: RouteApp | undefined
afterEach(async () => {
  nitroRuntime.userId = 'user-1'
  await app?.close()
  app = undefined
})

/** A probe: no cookie, no session. */
async function probe(method: 'GET' | 'HEAD'): Promise<number> {
  return (await fetch(`${app!.base}/api/jobs/catalog`, { method })).status
}

describe('the health check reverse-proxy.md recommends', () => {
  it('HEAD is answered like GET, as reverse-proxy.md says', async () => {
    app = await serveRoutes()
    expect([await probe('HEAD'), await probe('GET')]).toEqual([200, 200])
    expect(ops).not.toMatch(/`HEAD` is a `405`/)
  })

  it('with anonymous users off a probe gets 401, and reverse-proxy.md says so where it names the route', async () => {
    nitroRuntime.userId = null
    app = await serveRoutes({ config: { allowAnonymous: false } })
    expect([await probe('HEAD'), await probe('GET')]).toEqual([401, 401])
    expect(healthAdvice).toContain('/api/jobs/catalog')
    expect(healthAdvice).toMatch(/ALLOW_ANONYMOUS|allowAnonymous/)
    expect(healthAdvice).toMatch(/401/)
  })

  it('with the master flag off it is a 503, and reverse-proxy.md says so where it names the route', async () => {
    app = await serveRoutes({ config: { enabled: false } })
    expect(await probe('GET')).toBe(503)
    expect(healthAdvice).toMatch(/NUXT_BACKGROUND_JOBS_ENABLED|`enabled`/)
  })
})
