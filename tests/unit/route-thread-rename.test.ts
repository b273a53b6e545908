/**
 * PATCH /api/jobs/threads/:threadId — a user gives one of their threads a title: 200 with the title
 * as stored (trimmed), which the thread list shows from then on and the user's notification streams
 * are told (`thread-renamed`); a title the list could not show (blank, over 120 UTF-16 code units, a
 * control character) or none is a 400 naming `title`; a thread the user does not have is a 404.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JobNotification, JobSummary } from '../../shared/api-types'
import { nitroRuntime } from '../support/nitro-runtime-mock'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

// The engine's clock reads Date.now when called: newerJobOf fakes Date around its two creations, and the
// engine's default (Date.now itself, taken when the app is served, before the fake) keeps the real clock.
const app = useServedRoutes({ now: () => Date.now() })

afterEach(() => {
  nitroRuntime.userId = 'user-1'
})

async function rename(threadId: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(`${app.base}/api/jobs/threads/${encodeURIComponent(threadId)}`, { method: 'PATCH', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: response.status, body: await response.json() as { title?: string, threadId?: string, message?: string, statusMessage?: string } }
}

async function threadTitles(): Promise<Array<[string, string, boolean]>> {
  const page = await (await fetch(`${app.base}/api/jobs/threads`)).json() as { threads: Array<{ threadId: string, title: string, renamed: boolean }> }
  return page.threads.map(thread => [thread.threadId, thread.title, thread.renamed])
}

/** A thread of user-1 with one ended job titled by its message; the job as created. */
async function threadOf(threadId: string, message = 'Plan a trip to Lisbon'): Promise<JobSummary> {
  const { job } = await app.engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: message }] }, threadId })
  await app.engine.abortJob('user-1', job.id)
  return job
}

/**
 * Two jobs in thread `threadId`, the second a millisecond after the first; returns the second's id.
 * Created in the same millisecond, the newest would be the larger id (the list's order), not the second.
 */
async function newerJobOf(threadId: string): Promise<string> {
  vi.useFakeTimers({ toFake: ['Date'] })
  try {
    // A second back: a faked clock that did not reach the engine shows in the check below at once.
    const at = Date.now() - 1_000
    vi.setSystemTime(at)
    const first = await threadOf(threadId)
    vi.setSystemTime(at + 1)
    const second = await threadOf(threadId, 'And back?')
    expect([first.createdAt, second.createdAt]).toEqual([at, at + 1])
    return second.id
  }
  finally {
    vi.useRealTimers()
  }
}

describe('PATCH /api/jobs/threads/:threadId', () => {
  it('200: stores the title, trimmed; the thread list shows it in place of the first message; unknown body fields are dropped', async () => {
    await threadOf('t-rename')
    expect(await threadTitles()).toContainEqual(['t-rename', 'Plan a trip to Lisbon', false])
    const renamed = await rename('t-rename', { title: '  Lisbon, May 🇵🇹  ', color: 'red' })
    expect(renamed).toEqual({ status: 200, body: { threadId: 't-rename', title: 'Lisbon, May 🇵🇹' } })
    expect(await threadTitles()).toContainEqual(['t-rename', 'Lisbon, May 🇵🇹', true])
    // 120 UTF-16 code units is the limit (60 emoji of two units each), as a job's title.
    expect((await rename('t-rename', { title: '🙂'.repeat(60) })).status).toBe(200)
  })

  it('tells the user\'s notification streams (thread-renamed, naming the thread\'s newest job), not another user\'s', async () => {
    const newest = await newerJobOf('t-told')
    const mine: JobNotification[] = []
    const theirs: JobNotification[] = []
    const sink = (into: JobNotification[]) => ({ send: (notification: JobNotification) => void into.push(notification), comment() {}, close() {} })
    const detachMine = app.engine.attachNotifications('user-1', sink(mine), null)
    const detachTheirs = app.engine.attachNotifications('user-2', sink(theirs), null)
    try {
      expect((await rename('t-told', { title: 'Told' })).status).toBe(200)
      expect(mine.map(({ type, jobId, threadId, title }) => ({ type, jobId, threadId, title }))).toEqual([{ type: 'thread-renamed', jobId: newest, threadId: 't-told', title: 'Told' }])
      expect(theirs).toEqual([])
    }
    finally {
      detachMine()
      detachTheirs()
    }
  })

  it.each([
    ['blank', { title: '' }, 'title: must not be empty or only whitespace'],
    ['only whitespace', { title: ' \t ' }, 'title: must not be empty or only whitespace'],
    ['over 120 UTF-16 code units', { title: '🙂'.repeat(60) + 'x' }, 'title: must be at most 120 characters (UTF-16 code units), got 121'],
    ['a control character', { title: 'Lisbon\nMay' }, 'title: must not contain control characters (found U+000A at index 6)'],
    ['missing', { name: 'Lisbon' }, 'title: is required: the thread\'s new title'],
    ['not a string', { title: 42 }, 'title: must be a string'],
  ])('400 for a title %s, naming title; nothing stored or told', async (_case, body, message) => {
    await threadOf('t-refused', 'Original')
    const answer = await rename('t-refused', body)
    expect(answer.status).toBe(400)
    expect(answer.body.statusMessage).toBe('RequestError')
    expect(answer.body.message).toContain(message)
    expect(await threadTitles()).toContainEqual(['t-refused', 'Original', false])
  })

  it('400 naming threadId for one no thread can have (over 200 characters); 415 for a body that is not JSON', async () => {
    const long = await rename('t'.repeat(201), { title: 'x' })
    expect(long.status).toBe(400)
    expect(long.body.message).toContain('threadId: must be at most 200 characters (got 201)')
    await threadOf('t-form')
    expect((await rename('t-form', 'title=x', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415)
  })

  it('404 for a thread the user does not have: none, or another user\'s (left as it was)', async () => {
    await threadOf('t-owned', 'Owned')
    nitroRuntime.userId = 'user-2'
    const theirs = await rename('t-owned', { title: 'Mine now' })
    expect(theirs.status).toBe(404)
    expect(theirs.body).toMatchObject({ statusMessage: 'ThreadNotFoundError', message: 'Thread t-owned not found' })
    expect((await rename('t-nowhere', { title: 'Mine now' })).status).toBe(404)
    nitroRuntime.userId = 'user-1'
    expect(await threadTitles()).toContainEqual(['t-owned', 'Owned', false])
  })

  it('404 once the thread is deleted: its title went with it', async () => {
    await threadOf('t-deleted', 'First words')
    expect((await rename('t-deleted', { title: 'Named' })).status).toBe(200)
    const deleted = await fetch(`${app.base}/api/jobs?threadId=t-deleted`, { method: 'DELETE' })
    expect(deleted.status).toBe(200)
    expect((await rename('t-deleted', { title: 'Again' })).status).toBe(404)
    await threadOf('t-deleted', 'Started again')
    expect(await threadTitles()).toContainEqual(['t-deleted', 'Started again', false])
  })
})
