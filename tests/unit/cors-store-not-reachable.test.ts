/**
 * api.md, "A front end on another origin (CORS)": every answer to a trusted origin, errors
 * included, carries the CORS grant, and a preflight gets 204 with it. While the engine's start
 * waits for the job store at boot (engine-startup.ts), the middleware took the trusted origins
 * from the engine it could not get: the 503 carried no `Access-Control-Allow-Origin` (the browser
 * hid it, and its `Retry-After`, as a network error) and a preflight was refused, so the front end
 * could not tell the store was down, nor send anything.
 */
import { createRouter } from 'h3'
import { describe, expect, it, vi } from 'vitest'
import catalogGet from '../../server/api/jobs/catalog.get'
import jobsIndexPost from '../../server/api/jobs/index.post'
import { resolveConfig } from '../../server/lib/config'
import jobsCors from '../../server/middleware/jobs-cors'
import jobsMethods from '../../server/middleware/jobs-methods'
import { storeNotReachable, useStoreUnreachableApp } from '../support/store-unreachable-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const FRONT_END = 'https://app.example.com'
const served = useStoreUnreachableApp(() => {
  // What the plugin gives while engine-startup.ts waits for the store: the settings, no engine yet.
  const config = resolveConfig({ trustedOrigins: FRONT_END })
  return { get: storeNotReachable, config: () => config }
}, app => void app.use(jobsCors).use(jobsMethods).use(createRouter().get('/api/jobs/catalog', catalogGet).post('/api/jobs', jobsIndexPost)))

describe('CORS for a trusted front end while the job store is not reachable at boot', () => {
  it('grants the preflight, and the 503 carries the grant and its Retry-After', async () => {
    const preflight = await fetch(`${served.base}/api/jobs`, { method: 'OPTIONS', headers: { 'origin': FRONT_END, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
    expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([204, FRONT_END])

    const answer = await fetch(`${served.base}/api/jobs/catalog`, { headers: { origin: FRONT_END } })
    expect({
      status: answer.status,
      retryAfter: answer.headers.get('retry-after'),
      allowOrigin: answer.headers.get('access-control-allow-origin'),
      allowCredentials: answer.headers.get('access-control-allow-credentials'),
    }).toEqual({ status: 503, retryAfter: '5', allowOrigin: FRONT_END, allowCredentials: 'true' })
  })

  it('grants no other origin', async () => {
    const answer = await fetch(`${served.base}/api/jobs/catalog`, { headers: { origin: 'https://evil.example' } })
    expect([answer.status, answer.headers.get('access-control-allow-origin')]).toEqual([503, null])
  })
})
