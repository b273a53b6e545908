/**
 * `limits.maxConcurrentAnonymousJobsPerAddress` over real HTTP, behind one trusted proxy: cookieless
 * clients (a new anonymous user each request) from one address hold at most that many running
 * jobs; past it a 429 naming the setting with Retry-After; another address is not held; an abort
 * (by the job's own user) gives the slot back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'

let app: AppServer

beforeAll(async () => {
  app = await startAppServer({
    NUXT_BACKGROUND_JOBS_SCRIPTED_ENABLED: 'true',
    // Slow enough that every job is still running when the next request comes.
    NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '60000',
    NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_ANONYMOUS_JOBS_PER_ADDRESS: '2',
    NUXT_BACKGROUND_JOBS_TRUSTED_PROXIES: '1',
  })
})

afterAll(async () => {
  await app?.stop()
})

/** A cookieless POST (or one with `cookie`), as if through one proxy that appended `forwardedFor`. */
async function post(path: string, body: unknown, forwardedFor: string, cookie = '') {
  const response = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  const setCookie = (response.headers.getSetCookie().find(line => line.startsWith('bgjobs_uid=')) ?? '').split(';')[0]!
  return { status: response.status, retryAfter: response.headers.get('retry-after'), text, cookie: setCookie || cookie }
}

const chat = (content: string) => ({ messages: [{ role: 'user', content }] })

describe('anonymous running jobs per client address', () => {
  it('the 3rd running job from one address is a 429 naming the setting; another address is not held; an abort frees the slot', async () => {
    const first = await post('/api/jobs', chat('one'), '198.51.100.7')
    expect(first.status).toBe(202)
    expect((await post('/api/jobs', chat('two'), '198.51.100.7')).status).toBe(202)
    const refused = await post('/api/jobs', chat('three'), '198.51.100.7')
    expect(refused.status).toBe(429)
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(JSON.parse(refused.text).message).toContain('limits.maxConcurrentAnonymousJobsPerAddress')
    expect((await post('/api/jobs', chat('other'), '198.51.100.8')).status).toBe(202)
    const aborted = await post(`/api/jobs/${JSON.parse(first.text).id}/abort`, {}, '198.51.100.7', first.cookie)
    expect(aborted.status).toBe(200)
    expect((await post('/api/jobs', chat('three again'), '198.51.100.7')).status).toBe(202)
  })
})
