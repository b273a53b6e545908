/**
 * Every answer of the layer's routes says `X-Content-Type-Options: nosniff`: its JSON, its streams
 * (which carry model text and tool results a user or a model wrote) and the metrics' text are never
 * taken for HTML, script or a style sheet by a browser that would sniff them. Nitro's error handler
 * sets it on error answers; the routes' own answers need it too.
 */
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({ config: { metricsToken: 'ops-token' } })

const requests: Array<[method: string, path: string, body?: unknown]> = [
  ['POST', '/api/jobs', { messages: [{ role: 'user', content: 'hi' }], threadId: 'THREAD' }],
  ['GET', '/api/jobs'],
  ['HEAD', '/api/jobs'],
  ['GET', '/api/jobs/catalog'],
  ['HEAD', '/api/jobs/catalog'],
  ['GET', '/api/jobs/threads'],
  ['GET', '/api/jobs/metrics'],
  ['GET', '/api/jobs/metrics?format=prometheus'],
  ['GET', '/api/jobs/JOB'],
  ['HEAD', '/api/jobs/JOB'],
  ['GET', '/api/jobs/JOB/stream'],
  ['HEAD', '/api/jobs/JOB/stream'],
  ['GET', '/api/jobs/notifications'],
  ['HEAD', '/api/jobs/notifications'],
  ['GET', '/api/jobs/chat/THREAD/messages'],
  ['GET', '/api/jobs/chat/THREAD/stream'],
  ['HEAD', '/api/jobs/chat/THREAD/stream'],
  ['POST', '/api/jobs/chat', { id: 'nosniff-ui-chat', messages: [{ id: 'u-1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }], trigger: 'submit-message' }],
  ['POST', '/api/jobs/chat/THREAD/abort'],
  ['POST', '/api/jobs/JOB/abort'],
  ['DELETE', '/api/jobs/JOB'],
]

describe('X-Content-Type-Options on the routes\' own answers', () => {
  it.each(requests)('%s %s', async (method, path, body) => {
    const { job } = await app.engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, threadId: 'nosniff-thread' })
    // A running job is not deleted (409): this one has ended.
    if (method === 'DELETE') await app.engine.abortJob('user-1', job.id)
    const controller = new AbortController()
    const response = await fetch(`${app.base}${path.replace('JOB', job.id).replace('THREAD', 'nosniff-thread')}`, {
      method,
      signal: controller.signal,
      headers: { 'content-type': 'application/json', 'authorization': 'Bearer ops-token' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
    // A stream stays open while its job runs: its headers are all this reads.
    controller.abort()
    expect(response.status, `${method} ${path}`).toBeLessThan(300)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    await app.engine.abortJob('user-1', job.id).catch(() => undefined)
  })
})
