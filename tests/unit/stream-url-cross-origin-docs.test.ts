/**
 * `POST /api/jobs` answers `streamUrl` as a path, without the API's origin. api.md said "a client
 * can open it as is" — true on the API's origin, but a front end on another origin (the CORS case
 * api.md offers) that opened it as is asked its own origin for `/api/jobs/…/stream`. The page now
 * says to resolve it against the URL the job was posted to; this test keeps that recipe working
 * against the real route, and the page saying so.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

describe('streamUrl for a front end on another origin', () => {
  it('is a path: resolved against the URL the job was posted to, it is the job\'s stream; against the front end\'s origin, it is not', async () => {
    const posted = `${app.base}/api/jobs`
    const created = await fetch(posted, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) })
    const { id, streamUrl } = await created.json() as { id: string, streamUrl: string }
    expect(streamUrl).toBe(`/api/jobs/${id}/stream`)
    expect(new URL(streamUrl, 'https://app.example.com/chat').origin).toBe('https://app.example.com')

    const controller = new AbortController()
    const stream = await fetch(new URL(streamUrl, posted), { signal: controller.signal })
    expect(stream.status).toBe(200)
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/)
    controller.abort()
  })

  it('api.md says so where it describes the answer', () => {
    const page = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')
    const paragraph = page.slice(page.indexOf('`streamUrl` is under the app\'s base path'))
    expect(paragraph).toMatch(/^[^#]*front end on another origin[^#]*resolves it against the URL it posted to/)
    expect(paragraph).not.toMatch(/^`streamUrl`[^#]*so a client can open it as is\./)
  })
})
