/**
 * After SIGTERM the engine is disposed while Nitro still answers requests on open connections: a
 * new job, a new job or notification stream and a new AI SDK turn are refused with a 503 that asks
 * the client to come back ("retry shortly"). Like every other 503 of the routes (a store outage, a
 * store still starting) it says when, in `Retry-After` (RFC 9110 §10.2.3) — balancers and HTTP
 * clients read the header, the AI SDK reads the message — instead of leaving each client to guess.
 */
import { describe, expect, it, vi } from 'vitest'
import { serveRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const chat = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] })
const sdkTurn = JSON.stringify({ id: 'chat-1', trigger: 'submit-message', messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }] })

describe('requests refused while the server shuts down', () => {
  it('answer 503 with Retry-After, and the AI SDK route says the wait in its message', async () => {
    const app = await serveRoutes()
    try {
      const created = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chat })
      const { id } = await created.json() as { id: string }
      await app.engine.dispose()
      const requests: Array<[string, string, string?]> = [
        ['POST', '/api/jobs', chat],
        ['GET', `/api/jobs/${id}/stream`],
        ['GET', '/api/jobs/notifications'],
        ['POST', '/api/jobs/chat', sdkTurn],
      ]
      const answers: Array<{ path: string, status: number, retryAfter: string | null, message: string }> = []
      for (const [method, path, body] of requests) {
        const response = await fetch(`${app.base}${path}`, { method, headers: { 'content-type': 'application/json', 'accept': 'application/json' }, body })
        answers.push({ path, status: response.status, retryAfter: response.headers.get('retry-after'), message: (await response.json() as { message: string }).message })
      }
      expect(answers.map(({ path, status, retryAfter }) => ({ path, status, retryAfter }))).toEqual(requests.map(([, path]) => ({ path, status: 503, retryAfter: '5' })))
      expect(answers.at(-1)!.message).toMatch(/shutting down.*; try again in 5 s$/)
    }
    finally {
      await app.close()
    }
  })
})
