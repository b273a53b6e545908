/**
 * api.md: any route answers `503` with `Retry-After` and a message naming the store while a shared
 * job store cannot be reached — the metrics route included (it is in the route table). While the
 * engine's start waits for the store at boot (engine-startup.ts), the metrics route answered
 * `The background jobs engine is not running`, without `Retry-After`, whereas every other route
 * (here the catalog) said the store is not reachable yet and when to come back.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp, createRouter, send, setResponseHeader, setResponseStatus, toNodeListener } from 'h3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import catalogGet from '../../server/api/jobs/catalog.get'
import metricsGet from '../../server/api/jobs/metrics.get'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'
import { ProviderUnavailableError } from '../../server/lib/errors'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const server = createServer()
let base = ''

beforeAll(async () => {
  // What engine-startup.ts gives between attempts to reach the store.
  setBackgroundJobsEngine({ get: () => Promise.reject(new ProviderUnavailableError('redis', 'The job store is not reachable yet (the server keeps trying); retry shortly', 5)) })
  const router = createRouter().get('/api/jobs/metrics', metricsGet).get('/api/jobs/catalog', catalogGet)
  const app = createApp({
    onError: async (error, event) => {
      setResponseStatus(event, error.statusCode || 500, error.statusMessage)
      await send(event, JSON.stringify({ statusCode: error.statusCode, message: error.message }), 'application/json')
    },
  }).use(router)
  server.on('request', toNodeListener(app))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  setBackgroundJobsEngine(null)
  await new Promise(resolve => server.close(resolve))
})

async function answer(path: string) {
  const response = await fetch(`${base}${path}`, { headers: { authorization: 'Bearer whatever' } })
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
