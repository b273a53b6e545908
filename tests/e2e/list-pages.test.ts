/**
 * GET /api/jobs a page at a time over HTTP on the built fixture app (memory provider, a mock
 * upstream): `next` leads through every job of a thread exactly once, newest first, and is null at
 * the end; a malformed cursor is a 400 naming `before`; a cursor used by another user pages only
 * that user's own jobs.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { createClient } from '../support/http-client'
import type { MockUpstream } from '../support/mock-upstream'
import { startMockUpstream } from '../support/mock-upstream'

let upstream: MockUpstream
let app: AppServer

beforeAll(async () => {
  upstream = await startMockUpstream(() => ({ chunks: ['Done.'], delayMs: 1 }))
  app = await startAppServer({
    NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
    NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-test-list-pages-key-123456',
    NUXT_BACKGROUND_JOBS_STREAM_HEARTBEAT_MS: '600000',
  })
})

afterAll(async () => {
  await app?.stop()
  await upstream?.close()
})

describe('GET /api/jobs?before=', () => {
  it('pages through a thread with `next`, each job once, newest first, then null', async () => {
    const user = await createClient(app.url).init()
    const threadId = `thread-${randomUUID()}`
    const started: string[] = []
    for (let turn = 0; turn < 5; turn++) {
      const { status, body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `turn ${turn}` }], threadId })
      expect(status).toBe(202)
      await (await user.stream(job.streamUrl)).ended
      started.push(job.id)
    }
    const seen: string[] = []
    let before = ''
    for (let page = 0; page < 10; page++) {
      const { status, body } = await user.get(`/api/jobs?threadId=${threadId}&limit=2${before ? `&before=${before}` : ''}`)
      expect(status).toBe(200)
      expect(body.jobs.length).toBeLessThanOrEqual(2)
      seen.push(...body.jobs.map((job: { id: string }) => job.id))
      if (body.next === null) break
      expect(body.next).toMatch(/^[\w-]+$/)
      before = body.next
    }
    // The pages, joined, are the one big page (newest first) that holds every job once.
    const { body: whole } = await user.get(`/api/jobs?threadId=${threadId}`)
    expect(whole.next).toBeNull()
    expect(seen).toEqual(whole.jobs.map((job: { id: string }) => job.id))
    expect([...seen].sort()).toEqual([...started].sort())

    // Another user's use of the cursor reads that user's own (empty) list, nothing of this one.
    const other = await createClient(app.url).init()
    const { status, body: foreign } = await other.get(`/api/jobs?limit=2&before=${before}`)
    expect(status).toBe(200)
    expect(foreign).toEqual({ jobs: [], next: null })
  })

  it('answers a malformed or foreign cursor with a 400 naming `before`', async () => {
    const user = await createClient(app.url).init()
    const foreign = Buffer.from(JSON.stringify({ offset: 50 })).toString('base64url')
    for (const cursor of ['not a cursor', foreign, 'djE6MTIzOg', '%FF']) {
      const { status, body } = await user.get(`/api/jobs?before=${encodeURIComponent(cursor)}`)
      expect(status, cursor).toBe(400)
      expect(JSON.stringify(body), cursor).toContain('before')
    }
  })
})
