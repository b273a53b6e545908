/**
 * A HEAD on a stream route answers the status its GET would (docs/api.md, docs/reverse-proxy.md "Health
 * checks": load balancers and uptime checkers use it). After SIGTERM the engine is disposed while
 * Nitro still answers on open connections, and a stream's GET is a 503 with `Retry-After` (the
 * client goes elsewhere); its HEAD still said 200 (or 204 at a finished job's end): a checker saw a
 * stream this instance would refuse (or a 404 for a job it had ended and let go).
 */
import { describe, expect, it, vi } from 'vitest'
import { serveRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const chat = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] })

describe('HEAD on a stream route while the server shuts down', () => {
  it('answers the GET\'s 503 with Retry-After', async () => {
    const app = await serveRoutes()
    try {
      const created = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chat })
      const { id } = await created.json() as { id: string }
      await app.engine.dispose()
      const paths = [`/api/jobs/${id}/stream`, `/api/jobs/${id}/stream?after=1`, '/api/jobs/notifications']
      const answers: Array<{ method: string, path: string, status: number, retryAfter: string | null }> = []
      for (const path of paths) {
        for (const method of ['GET', 'HEAD']) {
          const response = await fetch(`${app.base}${path}`, { method })
          await response.arrayBuffer()
          answers.push({ method, path, status: response.status, retryAfter: response.headers.get('retry-after') })
        }
      }
      expect(answers).toEqual(paths.flatMap(path => ['GET', 'HEAD'].map(method => ({ method, path, status: 503, retryAfter: '5' }))))
    }
    finally {
      await app.close()
    }
  })
})
