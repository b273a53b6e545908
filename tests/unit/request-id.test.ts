/**
 * `X-Request-Id` (observability.md › Request ids): a safe id the client or a proxy sent is kept,
 * any other is replaced by one made here; every answer of the layer's routes carries it — a 202, a
 * 404, a 405 answered by the methods middleware, a 500 — and the log lines written while the request
 * is handled carry it (the route's own, through the console logger), as do the lines of the job it
 * created (`job created`, and `job ended` even when another request ended it).
 * The real routes and middleware on a bare h3 app (route-app.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'
import { recordingLogger } from '../support/recording-logger'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const chatBody = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] })

let app: RouteApp | null = null
afterEach(async () => {
  await app?.close()
  app = null
  vi.restoreAllMocks()
})

/** Answers `path` with the given request ids (none: no header; several: one header each). */
async function send(path: string, ids: string[], init: RequestInit = {}) {
  const headers = new Headers(init.headers)
  for (const id of ids) headers.append('x-request-id', id)
  return await fetch(`${app!.base}${path}`, { ...init, headers })
}

describe('X-Request-Id on the answers', () => {
  it('keeps a safe id and answers it, on a success and on errors', async () => {
    app = await serveRoutes()
    for (const id of ['5f0c9a1e-2b7d-4c1e-9f3a-0d6b8e2c4a17', 'a1b2c3d4e5f6', 'Root.1-67a:b_c-d']) {
      expect((await send('/api/jobs', [id])).headers.get('x-request-id')).toBe(id)
      expect((await send('/api/jobs/no-such-job', [id])).headers.get('x-request-id')).toBe(id)
    }
    // A 405 the methods middleware answers before any route.
    const refused = await send('/api/jobs/notifications', ['from-the-proxy'], { method: 'DELETE' })
    expect(refused.status).toBe(405)
    expect(refused.headers.get('x-request-id')).toBe('from-the-proxy')
  })

  it('makes one (a new one per request) when none was sent or the one sent is not safe', async () => {
    app = await serveRoutes()
    const unsafe = [[], ['has space'], ['x'.repeat(129)], ['quote"d'], ['<script>'], ['a/b'], ['ünïcode'], ['one', 'two']]
    const made: string[] = []
    for (const ids of unsafe) {
      const answer = await send('/api/jobs/no-such-job', ids)
      expect(answer.status).toBe(404)
      made.push(answer.headers.get('x-request-id')!)
    }
    for (const id of made) expect(id).toMatch(UUID)
    expect(new Set(made).size).toBe(made.length)
    // The longest kept: 128 characters.
    expect((await send('/api/jobs', ['x'.repeat(128)])).headers.get('x-request-id')).toBe('x'.repeat(128))
  })
})

describe('the request id in the log', () => {
  it('is on the job\'s lines: job created, and job ended though another request (an abort) ended it', async () => {
    const { logger, lines } = recordingLogger()
    app = await serveRoutes({ logger })
    const created = await send('/api/jobs', ['create-1'], { method: 'POST', body: chatBody, headers: { 'content-type': 'application/json' } })
    expect(created.status).toBe(202)
    expect(created.headers.get('x-request-id')).toBe('create-1')
    const { id } = await created.json() as { id: string }
    const aborted = await send(`/api/jobs/${id}/abort`, ['abort-1'], { method: 'POST' })
    expect(aborted.headers.get('x-request-id')).toBe('abort-1')
    await app.engine.whenSettled(id)
    const fieldsOf = (message: string) => lines.filter(line => line.message === message).map(line => line.fields)
    expect(fieldsOf('job created')).toEqual([expect.objectContaining({ jobId: id, requestId: 'create-1' })])
    expect(fieldsOf('job ended')).toEqual([expect.objectContaining({ jobId: id, status: 'aborted', requestId: 'create-1' })])
  })

  it('is on a route\'s own line (an unexpected error\'s 500), made here when none was sent', async () => {
    const failing = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, {
      list: async () => {
        throw new Error('the database is gone')
      },
    })
    app = await serveRoutes({ wrap: failing })
    const written: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: string) => void written.push(line))
    const answer = await send('/api/jobs', ['list-1'])
    expect(answer.status).toBe(500)
    expect(answer.headers.get('x-request-id')).toBe('list-1')
    const unnamed = await send('/api/jobs', [])
    const made = unnamed.headers.get('x-request-id')!
    expect(made).toMatch(UUID)
    const logged = written.map(line => JSON.parse(line) as { message: string, requestId?: string }).filter(line => line.message === 'unexpected error')
    expect(logged.map(line => line.requestId)).toEqual(['list-1', made])
  })

  it('is on the metrics route\'s own line: the address refused for guessing tokens', async () => {
    app = await serveRoutes({ config: { metricsToken: 'request-id-metrics-token-0123456789' } })
    const written: string[] = []
    vi.spyOn(console, 'warn').mockImplementation((line: string) => void written.push(line))
    for (let guess = 1; guess <= 10; guess++) {
      const answer = await send('/api/jobs/metrics', [`guess-${guess}`], { headers: { authorization: 'Bearer wrong' } })
      expect(answer.status).toBe(401)
      expect(answer.headers.get('x-request-id')).toBe(`guess-${guess}`)
    }
    const refused = written.map(line => JSON.parse(line) as { message: string, requestId?: string }).filter(line => line.message.startsWith('the metrics route refuses'))
    expect(refused.map(line => line.requestId)).toEqual(['guess-10'])
  })
})
