/**
 * api.md: any route answers `503` with `Retry-After` and a message naming the store while a shared
 * job store cannot be reached — the metrics route included (it is in the route table). While the
 * engine's start waits for the store at boot (engine-startup.ts), the metrics route answered
 * `The background jobs engine is not running`, without `Retry-After`, whereas every other route
 * (here the catalog) said the store is not reachable yet and when to come back.
 */
import { createRouter } from 'h3'
import { describe, expect, it, vi } from 'vitest'
import catalogGet from '../../server/api/jobs/catalog.get'
import metricsGet from '../../server/api/jobs/metrics.get'
import { storeNotReachable, useStoreUnreachableApp } from '../support/store-unreachable-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

// What engine-startup.ts gives between attempts to reach the store.
const served = useStoreUnreachableApp(() => ({ get: storeNotReachable }), app => void app.use(createRouter().get('/api/jobs/metrics', metricsGet).get('/api/jobs/catalog', catalogGet)))

async function answer(path: string) {
  const response = await fetch(`${served.base}${path}`, { headers: { authorization: 'Bearer whatever' } })
  const body = await response.json() as { message: string }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), message: body.message }
}

describe('the metrics route while the job store is not reachable at boot', () => {
  it('answers the 503 every route gives: Retry-After and the store named', async () => {
    const expected = { status: 503, retryAfter: '5', message: 'The job store is not reachable yet (the server keeps trying); retry shortly' }
    expect(await answer('/api/jobs/catalog')).toEqual(expected)
    expect(await answer('/api/jobs/metrics')).toEqual(expected)
  })
})
