/**
 * `GET /api/jobs/threads` on a real server: the user's threads newest first with their first and
 * last jobs, paged by an opaque cursor without skip or repeat, live state agreeing with
 * `GET /api/jobs`, 400s naming `limit` and `before`, and nobody else's threads.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ThreadPageAnswer } from '../../shared/api-types'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { createClient } from '../support/http-client'
import type { MockUpstream } from '../support/mock-upstream'
import { startMockUpstream, userMessageOf } from '../support/mock-upstream'

let upstream: MockUpstream
let app: AppServer
let releaseHeld: () => void = () => {}
const held = new Promise<void>((resolve) => {
  releaseHeld = resolve
})

beforeAll(async () => {
  // A prompt that starts with "hold" stays running (after its first piece) until the file ends.
  upstream = await startMockUpstream(request => userMessageOf(request).startsWith('hold')
    ? { chunks: ['Held ', 'then done.'], pauseAfterChunks: 1, resume: held, delayMs: 1 }
    : { chunks: ['Done.'], delayMs: 1 })
  app = await startAppServer({
    NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
    NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-threads-route-0123456789',
  })
})

afterAll(async () => {
  releaseHeld()
  await app?.stop()
  await upstream?.close()
})

type Client = ReturnType<typeof createClient>

async function start(user: Client, content: string, threadId?: string): Promise<string> {
  const { status, body } = await user.post('/api/jobs', { messages: [{ role: 'user', content }], ...(threadId ? { threadId } : {}) })
  expect(status).toBe(202)
  return body.id as string
}

async function ended(user: Client, id: string): Promise<void> {
  await expect.poll(async () => (await user.get(`/api/jobs/${id}`)).body.job.status).toBe('completed')
}

describe('GET /api/jobs/threads', () => {
  it('lists the user\'s threads newest first, pages them, agrees with GET /api/jobs, and refuses bad parameters', async () => {
    const user = await createClient(app.url).init()
    const [alpha, beta, gamma] = ['alpha', 'beta', 'gamma'].map(name => `${name}-${randomUUID()}`)
    const alphaFirst = await start(user, 'Alpha first question', alpha)
    await ended(user, alphaFirst)
    const betaOnly = await start(user, 'Beta question', beta)
    await ended(user, betaOnly)
    const alphaSecond = await start(user, 'Alpha second question', alpha)
    await ended(user, alphaSecond)
    await ended(user, await start(user, 'No thread at all'))
    const gammaHeld = await start(user, 'hold this one', gamma)
    await expect.poll(async () => (await user.get(`/api/jobs/${gammaHeld}`)).body.job.status).toBe('running')

    const { status, body } = await user.get('/api/jobs/threads')
    expect(status).toBe(200)
    const page = body as ThreadPageAnswer
    // Ordered by the newest job's creation (ties by thread id, descending).
    const jobs = (await user.get('/api/jobs')).body.jobs as Array<{ id: string, createdAt: number, status: string }>
    const created = (id: string) => jobs.find(job => job.id === id)!.createdAt
    const expected = [[gamma, gammaHeld], [alpha, alphaSecond], [beta, betaOnly]]
      .sort(([threadA, jobA], [threadB, jobB]) => created(jobB!) - created(jobA!) || (threadA! < threadB! ? 1 : -1))
    expect(page.threads.map(thread => [thread.threadId, thread.lastJob.id])).toEqual(expected)
    expect(page.next).toBeNull()
    expect(page.threads.find(thread => thread.threadId === alpha)).toMatchObject({ title: 'Alpha first question', createdAt: created(alphaFirst), active: false, waiting: false, lastJob: { id: alphaSecond, status: 'completed', prompt: 'Alpha second question' } })
    const gammaThread = page.threads.find(thread => thread.threadId === gamma)!
    expect(gammaThread).toMatchObject({ active: true, waiting: false })
    expect(gammaThread.lastJob.status).toBe(jobs.find(job => job.id === gammaHeld)!.status)
    expect(gammaThread.lastJob).not.toHaveProperty('lease')

    // One thread a page: every thread once, then `next` is null.
    const paged: string[] = []
    let before: string | null = null
    for (let pages = 0; pages < 5; pages++) {
      const next: { status: number, body: ThreadPageAnswer } = await user.get(`/api/jobs/threads?limit=1${before ? `&before=${encodeURIComponent(before)}` : ''}`)
      expect(next.status).toBe(200)
      expect(next.body.threads).toHaveLength(1)
      paged.push(next.body.threads[0]!.threadId)
      before = next.body.next
      if (!before) break
    }
    expect(paged).toEqual(expected.map(([threadId]) => threadId))

    for (const [query, named] of [['limit=101', 'limit'], ['limit=0', 'limit'], ['limit=two', 'limit'], ['before=not-a-cursor', 'before'], [`before=${Buffer.from('[1,2]').toString('base64url')}`, 'before']] as const) {
      const refused = await user.get(`/api/jobs/threads?${query}`)
      expect(refused.status, query).toBe(400)
      expect(refused.body.message, query).toMatch(new RegExp(`^${named}: `))
    }
    expect((await user.get('/api/jobs/threads?limit=100')).status).toBe(200)

    const stranger = await createClient(app.url).init()
    expect((await stranger.get('/api/jobs/threads')).body).toEqual({ threads: [], next: null })

    // Deleting a thread takes it off the list.
    expect((await user.delete(`/api/jobs?threadId=${beta}`)).status).toBe(200)
    expect(((await user.get('/api/jobs/threads')).body as ThreadPageAnswer).threads.map(thread => thread.threadId)).not.toContain(beta)
  })
})
