/**
 * `useBackgroundJob`'s messages (`error`, `answer()`'s `message`) are shown to the user as they
 * come (docs/client.md): a request that got no answer, or a proxy's error page, reads as a
 * sentence, not as the fetch library's `[GET] "/api/jobs/j1": <no response> Failed to fetch`. The
 * real `$fetch` (ofetch) against a closed port and a local "proxy".
 */
import { createServer } from 'node:http'
import type { AddressInfo, Server } from 'node:net'
import { $fetch as ofetch } from 'ofetch'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { createJobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let proxy: Server
let proxyUrl = ''
let closedUrl = ''
let app: ComposableApp | null = null

beforeAll(async () => {
  // A proxy in front of the app whose upstream is down: an HTML page, no `{ statusCode, message }`.
  proxy = createServer((_request, response) => {
    response.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' })
    response.end('<html><body><h1>502 Bad Gateway</h1></body></html>')
  })
  await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  const gone = createServer()
  await new Promise<void>(resolve => gone.listen(0, '127.0.0.1', resolve))
  closedUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`
  await new Promise(resolve => gone.close(resolve))
})

afterAll(async () => {
  await new Promise(resolve => proxy.close(resolve))
})

afterEach(() => {
  app?.dispose()
  app = null
})

const running = { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running' as const, seq: 3, content: 'abc' }

function mountAgainst(baseURL: string) {
  const api = ofetch.create({ baseURL, retry: 0 })
  app = createComposableApp((url, options) => api(url, options as Parameters<typeof api>[1]))
  return app.mount(() => useBackgroundJob('j1', { live: false, initialState: running })).result
}

describe('useBackgroundJob: failures in words', () => {
  it('a server that cannot be reached: refresh(), abort() and answer() say so in a sentence', async () => {
    const view = mountAgainst(closedUrl)
    await view.refresh()
    expect(view.error.value).toBe('The server could not be reached; please try again.')
    await view.abort()
    expect(view.error.value).toBe('The server could not be reached; please try again.')
    expect(await view.answer('r1', true)).toEqual({ ok: false, status: undefined, message: 'The server could not be reached; please try again.' })
  })

  it('a proxy\'s error page (no message of the server\'s) gives its status in a sentence', async () => {
    const view = mountAgainst(proxyUrl)
    await view.refresh()
    expect(view.error.value).toBe('The server had a problem (error 502); please try again.')
    expect(await view.answer('r1', true)).toMatchObject({ ok: false, status: 502, message: 'The server had a problem (error 502); please try again.' })
  })
})
