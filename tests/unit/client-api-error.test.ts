/**
 * `useBackgroundJobs()` rejects with the server's own message: an app that shows `error.message`
 * from `start()` gets `messages: must hold at least one message`, not the fetch library's
 * `[POST] "/api/jobs": 400 RequestError`. The real `$fetch` (ofetch) against a local server that
 * answers as the layer's routes do.
 */
import { createServer } from 'node:http'
import type { AddressInfo, Server } from 'node:net'
import { $fetch as ofetch } from 'ofetch'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { BackgroundJobsApiError } from '../../app/lib/api-error'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'

let server: Server
let baseURL = ''

beforeAll(async () => {
  // What h3 sends for an error the layer's routes throw.
  server = createServer((request, response) => {
    const status = request.url?.includes('/abort') ? 404 : request.method === 'POST' ? 400 : 429
    const message = { 400: 'messages: must hold at least one message', 404: 'Job not found', 429: 'Too many job creations: at most 60 per minute (limits.createPerMinute); retry in 12 s' }[status]
    response.writeHead(status, 'RequestError', { 'content-type': 'application/json' })
    response.end(JSON.stringify({ error: true, statusCode: status, statusMessage: 'RequestError', message }))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const fetchApi = ofetch.create({ baseURL })
  vi.stubGlobal('$fetch', fetchApi)
  vi.stubGlobal('useJobsFetch', () => fetchApi)
  vi.stubGlobal('useRuntimeConfig', () => ({ app: { baseURL: '/' }, public: {} }))
})

afterAll(async () => {
  vi.unstubAllGlobals()
  await new Promise(resolve => server.close(resolve))
})

describe('useBackgroundJobs: failed requests', () => {
  it('start() rejects with the server\'s message and status', async () => {
    const failure = await useBackgroundJobs().start({ messages: [] }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(BackgroundJobsApiError)
    expect(failure).toMatchObject({ message: 'messages: must hold at least one message', status: 400, statusCode: 400, data: { statusCode: 400 } })
  })

  it('list() and abort() do the same', async () => {
    await expect(useBackgroundJobs().listRunning()).rejects.toMatchObject({ message: expect.stringContaining('limits.createPerMinute'), status: 429 })
    await expect(useBackgroundJobs().abort('x')).rejects.toMatchObject({ message: 'Job not found', status: 404 })
  })

  it('a request that got no answer has no status and keeps what the fetch library said', async () => {
    const gone = createServer()
    await new Promise<void>(resolve => gone.listen(0, '127.0.0.1', resolve))
    const { port } = gone.address() as AddressInfo
    await new Promise(resolve => gone.close(resolve))
    const goneApi = ofetch.create({ baseURL: `http://127.0.0.1:${port}` })
    vi.stubGlobal('$fetch', goneApi)
    vi.stubGlobal('useJobsFetch', () => goneApi)
    const failure = await useBackgroundJobs().start({ messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error)
    const fetchApi = ofetch.create({ baseURL })
    vi.stubGlobal('$fetch', fetchApi)
    vi.stubGlobal('useJobsFetch', () => fetchApi)
    expect(failure).toBeInstanceOf(BackgroundJobsApiError)
    expect((failure as BackgroundJobsApiError).status).toBeUndefined()
    expect((failure as BackgroundJobsApiError).message).toContain('/api/jobs')
    expect((failure as BackgroundJobsApiError).cause).toBeDefined()
  })
})
