/**
 * `POST /api/jobs` answers a `streamUrl` a client can open as is: under the app's base path
 * (`app.baseURL`), where Nitro serves the API. It answered `/api/jobs/:id/stream` whatever the base,
 * which for an app served under `/chat/` is outside the app (a 404).
 */
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'
import { nitroRuntime } from '../support/nitro-runtime-mock'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

async function streamUrlOfNewJob(): Promise<{ id: string, streamUrl: string }> {
  const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) })
  expect(response.status).toBe(202)
  return await response.json() as { id: string, streamUrl: string }
}

describe('the streamUrl of a new job', () => {
  it('is under the app\'s base path', async () => {
    nitroRuntime.baseURL = '/chat/'
    const job = await streamUrlOfNewJob()
    expect(job.streamUrl).toBe(`/chat/api/jobs/${job.id}/stream`)
  })

  it('is /api/jobs/:id/stream for an app at the root', async () => {
    nitroRuntime.baseURL = '/'
    const job = await streamUrlOfNewJob()
    expect(job.streamUrl).toBe(`/api/jobs/${job.id}/stream`)
  })
})
