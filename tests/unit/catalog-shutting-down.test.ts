/**
 * reverse-proxy.md, "Health checks": the catalog is the layer's health check, 200 once the engine
 * runs. After SIGTERM the engine is disposed and refuses new jobs and streams (503 with
 * `Retry-After`), yet the catalog went on answering 200 — a balancer or readiness probe kept sending
 * this instance the new chats it then refused, for as long as Nitro's graceful shutdown lasted, and
 * a UI read `chat.available: true` from it. It now answers the shutdown's 503 too.
 */
import { createRouter } from 'h3'
import { describe, expect, it, vi } from 'vitest'
import catalogGet from '../../server/api/jobs/catalog.get'
import { createTestEngine } from '../support/engine-harness'
import { useStoreUnreachableApp } from '../support/store-unreachable-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const { engine } = createTestEngine({ runners: { chat: async () => {}, workflow: async () => {} } })
const served = useStoreUnreachableApp(() => ({ get: () => Promise.resolve(engine) }), app => void app.use(createRouter().get('/api/jobs/catalog', catalogGet)))

describe('the catalog as a health check during a shutdown', () => {
  it('answers 200 while the engine runs, then the shutdown\'s 503 with Retry-After once it is disposed', async () => {
    expect((await fetch(`${served.base}/api/jobs/catalog`)).status).toBe(200)
    await engine.dispose()
    const answer = await fetch(`${served.base}/api/jobs/catalog`)
    expect({ status: answer.status, retryAfter: answer.headers.get('retry-after'), body: await answer.json() })
      .toEqual({ status: 503, retryAfter: '5', body: { statusCode: 503, message: 'This server is shutting down and takes no new jobs; retry shortly' } })
  })
})
