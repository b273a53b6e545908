/**
 * A page rendered on the server with a user's jobs (their titles, prompts and answers in the HTML
 * and its payload) is that user's alone, as the API answers it was built from are: it must say
 * `Cache-Control: private, no-store`, or a shared cache in front of the app (a CDN with a default
 * TTL that keys by URL) could hand one visitor's chats to the next. The layer's composables fetch
 * through `useJobsFetch`, so that is where the page is marked.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { H3Event } from 'h3'
import { createApp, eventHandler, toNodeListener } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useJobsFetch } from '../../app/composables/useJobsFetch'

type Hook = (context: { response: Response }) => void
type FetchOptions = { onResponse?: Hook | Hook[] }

let server: Server
let port = 0
let pageEvent: H3Event | undefined

beforeEach(async () => {
  // Nuxt's auto-imports as the render sees them: the page request's event, and a fetch that runs
  // the response hooks the way $fetch does (here with the jobs API's own private answer).
  vi.stubGlobal('useRequestEvent', () => pageEvent)
  vi.stubGlobal('useRequestFetch', () => async (_url: string, options: FetchOptions = {}) => {
    const response = new Response('{"jobs":[]}', { headers: { 'content-type': 'application/json', 'cache-control': 'private, no-store' } })
    for (const hook of [options.onResponse ?? []].flat()) hook({ response })
    return { jobs: [{ id: 'job-1', title: 'my secret medical question' }] }
  })
  const app = createApp().use(eventHandler(async (event) => {
    pageEvent = event
    const { jobs } = await useJobsFetch()<{ jobs: Array<{ title: string }> }>('/api/jobs')
    return `<html><body>${jobs.map(job => job.title).join()}</body></html>`
  }))
  server = createServer(toNodeListener(app))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterEach(async () => {
  vi.unstubAllGlobals()
  pageEvent = undefined
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

describe('a page rendered with the user\'s jobs', () => {
  it('is private, no-store, like the API answers in it', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/threads/t1`)
    expect(await response.text()).toContain('my secret medical question')
    expect(response.headers.get('cache-control')).toBe('private, no-store')
  })
})
