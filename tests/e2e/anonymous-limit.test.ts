/**
 * `limits.anonymousCreatePerMinute` over real HTTP, behind one trusted proxy: a client that never
 * keeps its cookie (a new anonymous user every request) is held back by its address, on
 * `POST /api/jobs` and on a new turn of the AI SDK route alike; a request refused as invalid, or a
 * retry that gets its job back, does not count; what the client writes into `X-Forwarded-For` itself does not move it to another window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'

let app: AppServer

beforeAll(async () => {
  app = await startAppServer({
    NUXT_BACKGROUND_JOBS_SCRIPTED_ENABLED: 'true',
    NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '1',
    NUXT_BACKGROUND_JOBS_LIMITS_ANONYMOUS_CREATE_PER_MINUTE: '3',
    NUXT_BACKGROUND_JOBS_TRUSTED_PROXIES: '1',
  })
})

afterAll(async () => {
  await app?.stop()
})

/** A cookieless POST, as if through one proxy that appended `forwardedFor`'s last entry. */
async function post(path: string, body: unknown, forwardedFor: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor, ...headers },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  const cookie = (response.headers.getSetCookie().find(line => line.startsWith('bgjobs_uid=')) ?? '').split(';')[0]!
  return { status: response.status, retryAfter: response.headers.get('retry-after'), text, cookie }
}

const chat = (content: string) => ({ messages: [{ role: 'user', content }] })
const sdkTurn = (text: string) => ({ id: `chat-${text.replace(/\W/g, '')}`, trigger: 'submit-message', messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }] })

describe('anonymous job creations per client address', () => {
  it('the 4th creation from one address is a 429 naming the setting, on both routes; another address is not held', async () => {
    for (let index = 0; index < 3; index++) expect((await post('/api/jobs', chat(`hello ${index}`), '198.51.100.7')).status).toBe(202)
    const refused = await post('/api/jobs', chat('hello again'), '198.51.100.7')
    expect(refused.status).toBe(429)
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(JSON.parse(refused.text).message).toContain('limits.anonymousCreatePerMinute')
    // A client naming another address in front of the proxy's entry is still counted by the proxy's.
    expect((await post('/api/jobs', chat('spoofed'), '203.0.113.9, 198.51.100.7')).status).toBe(429)
    const sdk = await post('/api/jobs/chat', sdkTurn('hello sdk'), '198.51.100.7')
    expect(sdk.status).toBe(429)
    expect(sdk.text).toContain('limits.anonymousCreatePerMinute')
    expect((await post('/api/jobs', chat('other'), '198.51.100.8')).status).toBe(202)
    expect((await post('/api/jobs/chat', sdkTurn('other sdk'), '198.51.100.8')).status).toBe(200)
  })

  it('a retried post (same cookie, same Idempotency-Key) gets its job back and does not count again', async () => {
    const first = await post('/api/jobs', chat('retried'), '198.51.100.30', { 'idempotency-key': 'post-1' })
    expect(first.status).toBe(202)
    const again = { 'idempotency-key': 'post-1', 'cookie': first.cookie }
    for (let index = 0; index < 4; index++) {
      const retry = await post('/api/jobs', chat('retried'), '198.51.100.30', again)
      expect(retry.status).toBe(200)
      expect(JSON.parse(retry.text).id).toBe(JSON.parse(first.text).id)
    }
    for (let index = 0; index < 2; index++) expect((await post('/api/jobs', chat(`more ${index}`), '198.51.100.30')).status).toBe(202)
    expect((await post('/api/jobs', chat('one too many'), '198.51.100.30')).status).toBe(429)
  })

  it('a request refused as invalid does not count', async () => {
    for (let index = 0; index < 5; index++) expect((await post('/api/jobs', { messages: [] }, '198.51.100.20')).status).toBe(400)
    for (let index = 0; index < 3; index++) expect((await post('/api/jobs', chat(`valid ${index}`), '198.51.100.20')).status).toBe(202)
  })
})
