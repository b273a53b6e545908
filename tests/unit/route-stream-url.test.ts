/**
 * `POST /api/jobs` answers a `streamUrl` a client can open as is: under the app's base path
 * (`app.baseURL`), where Nitro serves the API. It answered `/api/jobs/:id/stream` whatever the base,
 * which for an app served under `/chat/` is outside the app (a 404).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'

const runtime = vi.hoisted(() => ({ baseURL: '/chat/' }))
vi.mock('nitropack/runtime', () => ({
  useRuntimeConfig: () => ({ app: { baseURL: runtime.baseURL } }),
  useNitroApp: () => ({ hooks: { callHook: async (_name: string, context: { userId?: string | null }) => {
    if ('userId' in context) context.userId = 'user-1'
  } } }),
}))

let app: RouteApp
beforeAll(async () => {
  app = await serveRoutes()
})
afterAll(async () => {
  await app.close()
})

async function streamUrlOfNewJob(): Promise<{ id: string, streamUrl: string }> {
  const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) })
  expect(response.status).toBe(202)
  return await response.json() as { id: string, streamUrl: string }
}

describe('the streamUrl of a new job', () => {
  it('is under the app\'s base path', async () => {
    runtime.baseURL = '/chat/'
    const job = await streamUrlOfNewJob()
    expect(job.streamUrl).toBe(`/chat/api/jobs/${job.id}/stream`)
  })

  it('is /api/jobs/:id/stream for an app at the root', async () => {
    runtime.baseURL = '/'
    const job = await streamUrlOfNewJob()
    expect(job.streamUrl).toBe(`/api/jobs/${job.id}/stream`)
  })
})
