/**
 * A live stream (a job's SSE stream, the notification stream, the AI SDK's reconnect route) holds
 * one of the user's `limits.maxStreamsPerUser` slots for as long as it is open. A page of another
 * site that gets the user's cookie sent (an app session cookie that is `SameSite=None`, or a
 * sibling subdomain's page with the `Lax` one) could open such streams — a no-cors `fetch`, an
 * `<iframe>` — and hold every slot: the user's own tabs got 429. The stream GETs are refused like
 * a write (403, before the user is resolved); same-origin tabs, non-browser clients and
 * `trustedOrigins` keep working, and a HEAD (no slot) is not checked.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useStreamGate } from '../../server/lib/stream-limit'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const TRUSTED = 'https://partner.example'
const app = useServedRoutes({ config: { trustedOrigins: TRUSTED, limits: { maxStreamsPerUser: 2 } } })

const streams = ['/api/jobs/JOB/stream', '/api/jobs/notifications', '/api/jobs/chat/THREAD/stream']

const opened: Array<() => void> = []
afterEach(async () => {
  for (const close of opened.splice(0)) close()
  // The server releases a slot when it sees the socket close: each test starts with both free.
  await vi.waitFor(() => expect(useStreamGate().count('user-1')).toBe(0))
})

let jobId: string | undefined

/** Opens `path` with `headers` (closed after the test); returns its status and error message. */
async function open(path: string, headers: Record<string, string>, method = 'GET') {
  // One running job (idle until aborted) in the thread, for the job stream and the chat's.
  jobId ??= (await app.engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, threadId: 'streams-thread' })).job.id
  const controller = new AbortController()
  opened.push(() => controller.abort())
  const response = await fetch(`${app.base}${path.replace('JOB', jobId).replace('THREAD', 'streams-thread')}`, { method, headers: { accept: 'application/json', ...headers }, signal: controller.signal })
  const body = response.headers.get('content-type')?.includes('json') ? await response.json() as { message: string } : null
  return { status: response.status, message: body?.message }
}

describe('live streams from a page of another site', () => {
  it.each(streams)('GET %s from another site is a 403 naming trustedOrigins, and holds no stream slot', async (path) => {
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', 'origin': 'https://sibling.example.com' },
      { 'sec-fetch-site': 'cross-site', 'origin': 'https://evil.example' },
      // An older browser (no Sec-Fetch-Site): its Origin is judged against Host.
      { origin: 'https://evil.example' },
    ] as Array<Record<string, string>>) {
      const answer = await open(path, headers)
      expect(answer.status, JSON.stringify(headers)).toBe(403)
      expect(answer.message).toMatch(/^Refused a cross-site GET from .*: only pages of this server's own origin may .*follow.* live streams.*NUXT_BACKGROUND_JOBS_TRUSTED_ORIGINS/)
    }
    // The user's own tabs still get both slots.
    const own = [await open(path, { 'sec-fetch-site': 'same-origin' }), await open(path, { 'sec-fetch-site': 'same-origin' })]
    expect(own.map(each => each.status)).toEqual([200, 200])
  })

  it.each(streams)('GET %s from the page itself, a typed address, a trusted origin or no browser is served', async (path) => {
    for (const headers of [
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
      { 'sec-fetch-site': 'cross-site', 'origin': TRUSTED },
      { origin: app.base },
      {},
    ] as Array<Record<string, string>>) {
      expect((await open(path, headers)).status, JSON.stringify(headers)).toBe(200)
      for (const close of opened.splice(0)) close()
      await vi.waitFor(() => expect(useStreamGate().count('user-1')).toBe(0))
    }
  })

  it.each(streams)('HEAD %s (no slot taken) is not checked', async (path) => {
    expect((await open(path, { 'sec-fetch-site': 'cross-site', 'origin': 'https://evil.example' }, 'HEAD')).status).toBe(200)
  })

  it('other reads are still not checked: a cross-site GET of a job\'s JSON answers (CORS keeps it unreadable)', async () => {
    expect((await open('/api/jobs/JOB', { 'sec-fetch-site': 'cross-site', 'origin': 'https://evil.example' })).status).toBe(200)
  })
})
