/**
 * An app that extends the layer adds its own routes under /api/jobs (`server/api/jobs/export.post.ts`,
 * a `PUT` beside the layer's `/api/jobs/:id`): the layer's middleware before a router that, as
 * Nitro's (h3 1.x, `preemptive`), tries the less specific routes for a method the most specific
 * one lacks. The layer's route handlers are stand-ins that say they answered.
 */
import { createError, createRouter, defineEventHandler, getRequestHeader, setResponseHeader } from 'h3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { setAppJobsRoutes } from '../../server/lib/http/route-methods'
import jobsCors from '../../server/middleware/jobs-cors'
import jobsMethods from '../../server/middleware/jobs-methods'
import { storeNotReachable, useStoreUnreachableApp } from '../support/store-unreachable-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const FRONT_END = 'https://app.example.com'
const layerJob = () => {
  throw createError({ statusCode: 404, statusMessage: 'JobNotFoundError', message: 'Job not found' })
}

/** The app's own CORS for its PUT, as `routeRules` headers or a middleware of its that sets headers and answers nothing. */
const appCors = defineEventHandler((event) => {
  if (getRequestHeader(event, 'access-control-request-method') !== 'PUT') return
  setResponseHeader(event, 'access-control-allow-origin', FRONT_END)
  setResponseHeader(event, 'access-control-allow-methods', 'PUT')
})

const served = useStoreUnreachableApp(() => {
  const config = resolveConfig({ trustedOrigins: FRONT_END })
  return { get: storeNotReachable, config: () => config }
}, app => void app.use(appCors).use(jobsCors).use(jobsMethods).use(createRouter({ preemptive: true })
  // The app's, as Nitro lists them: its files come before the layer's.
  .put('/api/jobs/:id', () => ({ by: 'app-put' }))
  .post('/api/jobs/export', () => ({ by: 'app-export' }))
  .get('/api/jobs/:id', layerJob)
  .head('/api/jobs/:id', layerJob)
  .delete('/api/jobs/:id', layerJob)))

beforeAll(() => setAppJobsRoutes([{ path: '/api/jobs/:id', methods: ['PUT'] }, { path: '/api/jobs/export', methods: ['POST'] }]))
afterAll(() => setAppJobsRoutes([]))

describe('a method the app\'s own route does not answer, where the layer has a route that would', () => {
  it('GET and HEAD /api/jobs/export are a 405 naming the app\'s POST, not the layer\'s "job not found"', async () => {
    for (const method of ['GET', 'HEAD']) {
      const response = await fetch(`${served.base}/api/jobs/export`, { method })
      expect({ method, status: response.status, allow: response.headers.get('allow') }).toEqual({ method, status: 405, allow: 'POST' })
    }
    const answer = await (await fetch(`${served.base}/api/jobs/export?x=1`)).json() as { message: string }
    expect(answer.message).toBe('GET is not allowed on /api/jobs/export: use POST')
  })

  it('the app\'s own method and the layer\'s routes answer as before', async () => {
    const exported = await fetch(`${served.base}/api/jobs/export`, { method: 'POST' })
    expect([exported.status, await exported.json()]).toEqual([200, { by: 'app-export' }])
    expect((await fetch(`${served.base}/api/jobs/j-1`)).status).toBe(404)
    expect((await fetch(`${served.base}/api/jobs/j-1`, { method: 'PUT' })).status).toBe(200)
    const neither = await fetch(`${served.base}/api/jobs/j-1`, { method: 'PATCH' })
    expect([neither.status, neither.headers.get('allow')]).toEqual([405, 'GET, HEAD, DELETE, PUT, OPTIONS'])
  })
})

describe('a preflight for the app\'s own method at a path of the layer\'s', () => {
  const preflight = (method: string) => fetch(`${served.base}/api/jobs/j-1`, { method: 'OPTIONS', headers: { 'origin': FRONT_END, 'access-control-request-method': method } })
  const grant = (response: Response) => ({
    status: response.status,
    allow: response.headers.get('allow'),
    allowOrigin: response.headers.get('access-control-allow-origin'),
    allowMethods: response.headers.get('access-control-allow-methods'),
  })

  it('is the app\'s to grant: the layer lists the methods and leaves the app\'s Access-Control-* headers as they are', async () => {
    // It was granted the layer's GET, HEAD, DELETE over the app's PUT: the browser refused the PUT.
    expect(grant(await preflight('PUT'))).toEqual({ status: 204, allow: 'GET, HEAD, DELETE, PUT, OPTIONS', allowOrigin: FRONT_END, allowMethods: 'PUT' })
  })

  it('the layer\'s own methods there are granted to its trusted origin as before', async () => {
    expect(grant(await preflight('DELETE'))).toEqual({ status: 204, allow: 'GET, HEAD, DELETE, PUT, OPTIONS', allowOrigin: FRONT_END, allowMethods: 'GET, HEAD, DELETE' })
  })
})
