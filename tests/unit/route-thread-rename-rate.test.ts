/**
 * PATCH /api/jobs/threads/:threadId counts against `limits.renamePerMinute`, per user: past it a
 * 429 with Retry-After naming the setting, with nothing stored; another user has a window of their
 * own; a refused title (400) costs nothing.
 */
import { afterEach, expect, it, vi } from 'vitest'
import { nitroRuntime } from '../support/nitro-runtime-mock'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({ config: { limits: { renamePerMinute: 2, createPerMinute: 0 } } })

afterEach(() => {
  nitroRuntime.userId = 'user-1'
})

async function rename(threadId: string, title: string) {
  const response = await fetch(`${app.base}/api/jobs/threads/${threadId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) })
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() as { title?: string, message?: string } }
}

async function threadOf(userId: string, threadId: string): Promise<void> {
  const { job } = await app.engine.createJob(userId, { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, threadId })
  await app.engine.abortJob(userId, job.id)
}

it('429 + Retry-After past limits.renamePerMinute, with nothing stored; a 400 is not counted; other users keep their own window', async () => {
  await threadOf('user-1', 't1')
  await threadOf('user-2', 't2')
  expect((await rename('t1', ' ')).status).toBe(400)
  expect((await rename('t1', 'One')).status).toBe(200)
  expect((await rename('t1', 'Two')).status).toBe(200)
  const refused = await rename('t1', 'Three')
  expect(refused.status).toBe(429)
  expect(refused.body.message).toMatch(/^Too many thread renames: at most 2 per minute \(limits\.renamePerMinute\); retry in \d+ s$/)
  expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1)
  expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60)
  const { threads } = await app.engine.listThreads('user-1', { limit: 20 })
  expect(threads.find(thread => thread.threadId === 't1')?.title).toBe('Two')

  nitroRuntime.userId = 'user-2'
  expect((await rename('t2', 'Mine')).status).toBe(200)
})
