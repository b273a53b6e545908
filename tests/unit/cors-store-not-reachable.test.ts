/**
 * api.md, "A front end on another origin (CORS)": every answer to a trusted origin, errors
 * included, carries the CORS grant, and a preflight gets 204 with it. While the engine's start
 * waits for the job store at boot (engine-startup.ts), the middleware took the trusted origins
 * from the engine it could not get: the 503 carried no `Access-Control-Allow-Origin` (the browser
 * hid it, and its `Retry-After`, as a network error) and a preflight was refused, so the front end
 * could not tell the store was down, nor send anything.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp, createRouter, send, setResponseHeader, setResponseStatus, toNodeListener } from 'h3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import catalogGet from '../../server/api/jobs/catalog.get'
import jobsIndexPost from '../../server/api/jobs/index.post'
import { resolveConfig } from '../../server/lib/config'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'
import { ProviderUnavailableError } from '../../server/lib/errors'
import jobsCors from '../../server/middleware/jobs-cors'
import jobsMethods from '../../server/middleware/jobs-methods'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const FRONT_END = 'https://app.example.com'
const server = createServer()
let base = ''

beforeAll(async () => {
  // What the plugin gives while engine-startup.ts waits for the store: the settings, no engine yet.
  const config = resolveConfig({ trustedOrigins: FRONT_END })
  setBackgroundJobsEngine({
    get: () => Promise.reject(new ProviderUnavailableError('redis', 'The job store is not reachable yet (the server keeps trying); retry shortly', 5)),
    config: () => config,
  })
  const router = createRouter().get('/api/jobs/catalog', catalogGet).post('/api/jobs', jobsIndexPost)
  const app = createApp({
    onError: async (error, event) => {
      setResponseStatus(event, error.statusCode || 500, error.statusMessage)
      await send(event, JSON.stringify({ statusCode: error.statusCode, message: error.message }), 'application/json')
    },
  }).use(jobsCors).use(jobsMethods).use(router)
  server.on('request', toNodeListener(app))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  setBackgroundJobsEngine(null)
  await new Promise(resolve => server.close(resolve))
})

describe('CORS for a trusted front end while the job store is not reachable at boot', () => {
  it('grants the preflight, and the 503 carries the grant and its Retry-After', async () => {
    const preflight = await fetch(`${base}/api/jobs`, { method: 'OPTIONS', headers: { 'origin': FRONT_END, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
    expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([204, FRONT_END])

    const answer = await fetch(`${base}/api/jobs/catalog`, { headers: { origin: FRONT_END } })
    expect({
      status: answer.status,
      retryAfter: answer.headers.get('retry-after'),
      allowOrigin: answer.headers.get('access-control-allow-origin'),
      allowCredentials: answer.headers.get('access-control-allow-credentials'),
    }).toEqual({ status: 503, retryAfter: '5', allowOrigin: FRONT_END, allowCredentials: 'true' })
  })

  it('grants no other origin', async () => {
    const answer = await fetch(`${base}/api/jobs/catalog`, { headers: { origin: 'https://evil.example' } })
    expect([answer.status, answer.headers.get('access-control-allow-origin')]).toEqual([503, null])
  })
})
