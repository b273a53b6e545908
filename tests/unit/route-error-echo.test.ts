/**
 * An error answer names what was wrong without quoting a client's long input whole: a 10 KB job id
 * in the path, a 5 KB path on a method the route does not take, an 8 KB `Content-Encoding`, an 8 KB
 * `Origin` or `Sec-Fetch-Site` refused as cross-site, a 100 KB key on the path to a lone surrogate. The
 * quote is cut at 200 characters (the longest id the routes take) and says how long the value was,
 * so the answer stays small whatever the client sent; a short value is still quoted as it is.
 */
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()
const chat = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] })

async function answer(path: string, init: RequestInit = {}) {
  // The JSON error body (the AI SDK routes answer text to a client that does not ask for JSON).
  const response = await fetch(`${app.base}${path}`, { ...init, headers: { accept: 'application/json', ...init.headers as Record<string, string> } })
  const text = await response.text()
  return { status: response.status, length: text.length, message: (JSON.parse(text) as { message: string }).message }
}

describe('an error answer does not echo a long input whole', () => {
  it.each([
    ['GET', ''],
    ['GET', '/stream'],
    ['DELETE', ''],
    ['POST', '/abort'],
  ])('%s /api/jobs/<10 KB id>%s: a 404 quoting 200 characters of the id and its length', async (method, tail) => {
    const id = 'i'.repeat(10_000)
    const { status, length, message } = await answer(`/api/jobs/${id}${tail}`, { method })
    expect(status).toBe(404)
    expect(message).toBe(`Job ${'i'.repeat(200)}… (10000 characters) not found`)
    expect(length).toBeLessThan(500)
  })

  it('a short job id is still quoted whole', async () => {
    expect(await answer('/api/jobs/nope')).toMatchObject({ status: 404, message: 'Job nope not found' })
  })

  it('PUT /api/jobs/<5 KB id>: a 405 quoting 200 characters of the path and its length', async () => {
    const path = `/api/jobs/${'i'.repeat(5000)}`
    const { status, length, message } = await answer(path, { method: 'PUT' })
    expect(status).toBe(405)
    expect(message).toBe(`PUT is not allowed on ${path.slice(0, 200)}… (${path.length} characters): use GET or HEAD or DELETE`)
    expect(length).toBeLessThan(500)
  })

  it.each(['/api/jobs', '/api/jobs/chat'])('POST %s with an 8 KB Content-Encoding: a 415 quoting 200 characters of it and its length', async (path) => {
    const coding = 'x'.repeat(8000)
    const { status, length, message } = await answer(path, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': coding }, body: chat })
    expect(status).toBe(415)
    expect(message).toBe(`content-encoding: ${'x'.repeat(200)}… (8000 characters) is not accepted; send the JSON body uncompressed`)
    expect(length).toBeLessThan(500)
  })

  it.each([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['no Sec-Fetch-Site (an older browser)', {}],
  ])('POST /api/jobs/nope/abort from an 8 KB Origin, %s: a 403 quoting 200 characters of it and its length', async (_name, headers) => {
    const origin = `https://${'o'.repeat(8000)}.example`
    const { status, length, message } = await answer('/api/jobs/nope/abort', { method: 'POST', headers: { origin, ...headers } })
    expect(status).toBe(403)
    expect(message).toContain(`from ${origin.slice(0, 200)}… (${origin.length} characters) (`)
    expect(message).not.toContain('o'.repeat(201))
    expect(length).toBeLessThan(1500)
  })

  it('POST /api/jobs/nope/abort with an 8 KB Sec-Fetch-Site: a 403 quoting 200 characters of it', async () => {
    const fetchSite = 's'.repeat(8000)
    const { status, length, message } = await answer('/api/jobs/nope/abort', { method: 'POST', headers: { 'sec-fetch-site': fetchSite } })
    expect(status).toBe(403)
    expect(message).toContain(`(Sec-Fetch-Site: ${fetchSite.slice(0, 200)}… (8000 characters))`)
    expect(length).toBeLessThan(1500)
  })

  it('a short Origin is still named as sent in a 403', async () => {
    const { status, message } = await answer('/api/jobs/nope/abort', { method: 'POST', headers: { 'origin': 'https://evil.example', 'sec-fetch-site': 'cross-site' } })
    expect(status).toBe(403)
    expect(message.startsWith('Refused a cross-site POST from https://evil.example (Sec-Fetch-Site: cross-site): ')).toBe(true)
  })

  it.each([
    ['/api/jobs', (key: string) => `{"messages":[{"role":"user","content":"x"}],"x":{"${key}":"\\ud800"}}`, 'x.'],
    ['/api/jobs/chat', (key: string) => `{"id":"c","messages":[{"role":"user","parts":[{"type":"text","text":"x","${key}":"\\ud800"}]}]}`, 'messages.0.parts.0.'],
  ])('POST %s with a lone surrogate under a 100 KB key: a 400 quoting 200 characters of its path', async (path, body, prefix) => {
    const key = 'k'.repeat(100_000)
    const { status, length, message } = await answer(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(key) })
    expect(status).toBe(400)
    const where = `${prefix}${key}`
    expect(message).toBe(`${where.slice(0, 200)}… (${where.length} characters): holds a lone surrogate (\\ud800 at character 0), which is not valid Unicode text`)
    expect(length).toBeLessThan(1000)
  })

  it('a short path to a lone surrogate is still named whole', async () => {
    const { status, message } = await answer('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messages":[{"role":"user","content":"a\\udc00"}]}' })
    expect({ status, message }).toEqual({ status: 400, message: 'messages.0.content: holds a lone surrogate (\\udc00 at character 1), which is not valid Unicode text' })
  })

  it('a short Content-Encoding is still named as sent', async () => {
    const { status, message } = await answer('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: chat })
    expect({ status, message }).toEqual({ status: 415, message: 'content-encoding: gzip is not accepted; send the JSON body uncompressed' })
  })
})
