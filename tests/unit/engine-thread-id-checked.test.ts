/**
 * `createJob` from server code (hooks.md) took any `threadId` / `messageId`, though the routes that
 * read them back take ids of 1–200 characters, trimmed. A thread id over 200 characters listed in
 * `GET /api/jobs/threads` made a `next` cursor that route then refused ("is not a cursor this
 * server made"), so the user's thread list could not be paged past it, and `?threadId=` could not
 * list or delete it; an empty one was a thread on the memory provider and none on Redis. The engine
 * now refuses such ids (400 naming the field) as the routes do.
 */
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({})
const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hello' }] }

async function threadsPage(before?: string) {
  const response = await fetch(`${app.base}/api/jobs/threads?limit=1${before ? `&before=${before}` : ''}`)
  return { status: response.status, body: await response.json() as { threads?: Array<{ threadId: string }>, next?: string | null } }
}

describe('createJob from server code: thread and message ids', () => {
  it.each([
    ['threadId', 'empty', ''],
    ['threadId', 'blank', '   '],
    ['threadId', 'padded', ' t-1 '],
    ['threadId', 'over 200 characters', 't'.repeat(201)],
    ['messageId', 'empty', ''],
    ['messageId', 'over 200 characters', 'm'.repeat(201)],
  ])('refuses a %s that is %s (400 naming it), storing nothing', async (field, _case, value) => {
    const before = (await app.engine.listJobs('user-2', { limit: 200 })).length
    await expect(app.engine.createJob('user-2', { request, [field]: value })).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining(`${field}:`) })
    expect((await app.engine.listJobs('user-2', { limit: 200 })).length).toBe(before)
  })

  it('takes ids the routes take: a thread of 200 characters pages in GET /api/jobs/threads', async () => {
    const long = 'ж'.repeat(200)
    await app.engine.createJob('user-1', { request, threadId: 'older' })
    await app.engine.createJob('user-1', { request, threadId: long, messageId: 'm'.repeat(200) })
    const first = await threadsPage()
    expect(first.body.threads?.map(thread => thread.threadId)).toEqual([long])
    const second = await threadsPage(first.body.next!)
    expect(second.status).toBe(200)
    expect(second.body.threads?.map(thread => thread.threadId)).toContain('older')
  })
})
