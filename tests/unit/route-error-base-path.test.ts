/**
 * A route's error message that names a route of the layer names it as the client must call it:
 * under the app's base path (`app.baseURL`). An app served under `/chat/` answered deleting a
 * running job with "Abort it first (POST /api/jobs/<id>/abort)" and an unknown tool with
 * "GET /api/jobs/catalog lists the tools": paths outside the app (a 404 for a client that
 * follows them), as `streamUrl` once was (route-stream-url.test.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'
import { nitroRuntime } from '../support/nitro-runtime-mock'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

afterEach(() => {
  nitroRuntime.baseURL = '/'
})

async function send(method: string, path: string, body?: unknown) {
  const response = await fetch(`${app.base}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  return { status: response.status, body: response.status === 204 ? null : await response.json() as { id?: string, message?: string } }
}

async function runningJob(): Promise<string> {
  const created = await send('POST', '/api/jobs', { messages: [{ role: 'user', content: 'hi' }] })
  expect(created.status).toBe(202)
  return created.body!.id!
}

describe('an error message naming a route', () => {
  it('of deleting a running job names the abort route under the app\'s base path', async () => {
    nitroRuntime.baseURL = '/chat/'
    const id = await runningJob()
    const refused = await send('DELETE', `/api/jobs/${id}`)
    expect(refused.status).toBe(409)
    expect(refused.body!.message).toBe(`Job ${id} is running: only a job that has ended can be deleted. Abort it first (POST /chat/api/jobs/${id}/abort) and delete it once it has ended`)
  })

  it('of an unknown tool names the catalog under the app\'s base path', async () => {
    nitroRuntime.baseURL = '/chat/'
    const refused = await send('POST', '/api/jobs', { messages: [{ role: 'user', content: 'hi' }], tools: ['nope'] })
    expect(refused.status).toBe(400)
    expect(refused.body!.message).toBe('tools: "nope" is not a registered tool; GET /chat/api/jobs/catalog lists the tools to pick from')
  })

  it('of a missing thread id names the routes under the app\'s base path', async () => {
    nitroRuntime.baseURL = '/chat/'
    const refused = await send('DELETE', '/api/jobs')
    expect(refused.status).toBe(400)
    expect(refused.body!.message).toContain('DELETE /chat/api/jobs deletes the jobs of one thread (?threadId=…); DELETE /chat/api/jobs/:id deletes one job')
  })

  it('is unchanged for an app at the root', async () => {
    const id = await runningJob()
    const refused = await send('DELETE', `/api/jobs/${id}`)
    expect(refused.body!.message).toContain(`(POST /api/jobs/${id}/abort)`)
  })
})
