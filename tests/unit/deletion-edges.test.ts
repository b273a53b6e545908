/**
 * Deletion, retention and notifications at their edges: a turn deleted while the chat's history is
 * read is left out (the route does not 404); a notification stream's ids never start again for a
 * user the hub forgot (a reconnecting tab would miss what came since); a thread cursor holds an id
 * of 200 characters in any script; a thread of exactly the delete cap reports nothing more to delete.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { chatHistory } from '../../server/lib/ai-sdk/chat-history'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import { threadsQuerySchema } from '../../server/lib/http/threads-query'
import { THREAD_DELETE_MAX } from '../../server/lib/job-deletion'
import type { JobNotification } from '../../server/lib/notifications'
import type { JobProvider } from '../../server/lib/providers/types'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { notificationSink } from '../support/notification-sink'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const event = { context: {}, node: { req: { headers: {} } } } as unknown as H3Event

describe('deletion', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('the messages route leaves out a turn deleted while the history is read (it does not 404)', async () => {
    let armed: (() => Promise<void>) | null = null
    const { engine, config } = createTestEngine({
      runners: { async chat(context) {
        context.text('answer')
      } },
      wrap: (provider: JobProvider) => ({
        ...provider,
        list: async (filter) => {
          const page = await provider.list(filter)
          // A DELETE /api/jobs/:id (or a retention pass) that completes between the listing and
          // the reads of each job's log.
          const run = armed
          armed = null
          if (run) await run()
          return page
        },
      }),
    })
    const context: JobsRouteContext = { event, engine, config, userId: 'u1', flags: { enabled: true, tools: true, workflows: true } }
    const ids: string[] = []
    for (const messageId of ['m1', 'm2']) {
      vi.setSystemTime(Date.now() + 1000)
      const { job } = await engine.createJob('u1', { request: { ...chatRequest, messages: [{ role: 'user', content: messageId }] }, threadId: 'chat', messageId })
      await engine.whenSettled(job.id)
      ids.push(job.id)
    }
    expect((await chatHistory(context, 'chat')).map(message => message.id)).toEqual(['m1', ids[0], 'm2', ids[1]])

    armed = async () => {
      await engine.deleteJob('u1', ids[0]!)
    }
    const messages = await chatHistory(context, 'chat').catch((error: Error) => error)
    // Expected: the remaining turn; actual: JobNotFoundError (the route answers 404).
    expect(messages).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'm2' })]))
    await engine.dispose()
  })

  it('deleting a thread of exactly THREAD_DELETE_MAX ended jobs says more: false (nothing is left)', async () => {
    const { engine, provider } = createTestEngine({
      config: { limits: { deletePerMinute: 0, createPerMinute: 0 } },
      runners: { async chat(context) {
        context.text('x')
      } },
    })
    for (let index = 0; index < THREAD_DELETE_MAX; index++) {
      const { job } = await engine.createJob('u1', { request: chatRequest, threadId: 't' })
      await engine.whenSettled(job.id)
    }
    const result = await engine.deleteThread('u1', 't')
    expect(result.deleted).toHaveLength(THREAD_DELETE_MAX)
    expect(await provider.list({ userId: 'u1', threadId: 't', limit: 200 })).toEqual([])
    expect(result.more).toBe(false)
    await engine.dispose()
  })

  it('a thread page cursor of a thread with a long (CJK) id is accepted back as before', async () => {
    const { engine } = createTestEngine({
      runners: { async chat(context) {
        context.text('x')
      } },
    })
    const longId = 'あ'.repeat(200)
    for (const threadId of ['older', longId]) {
      vi.setSystemTime(Date.now() + 1000)
      const { job } = await engine.createJob('u1', { request: chatRequest, threadId })
      await engine.whenSettled(job.id)
    }
    const first = await engine.listThreads('u1', { limit: 1 })
    expect(first.threads.map(thread => thread.threadId)).toEqual([longId])
    expect(first.next).not.toBeNull()
    const parsed = threadsQuerySchema.safeParse({ before: first.next })
    expect(parsed.success ? 'accepted' : parsed.error.issues.map(issue => `${issue.path.join('.')}: ${issue.message}`).join('; ')).toBe('accepted')
    await engine.dispose()
  })

  it('a reconnect after its user was pruned gets the notifications sent since (ids do not start over)', async () => {
    const { engine } = createTestEngine({
      config: { limits: { retentionMs: 60_000, cleanupIntervalMs: 10_000, createPerMinute: 0 } },
      runners: { async chat(context) {
        context.text('x')
      } },
    })
    const seen: JobNotification[] = []
    const sink = notificationSink
    const detach = engine.attachNotifications('u1', sink(seen), null)
    for (let index = 0; index < 3; index++) {
      const { job } = await engine.createJob('u1', { request: chatRequest })
      await engine.whenSettled(job.id)
    }
    await vi.advanceTimersByTimeAsync(0)
    const lastId = seen.at(-1)!.id
    expect(seen).toHaveLength(6)
    detach()
    // The tab sleeps longer than retention: the cleanup pass prunes the idle user.
    await vi.advanceTimersByTimeAsync(2 * 60_000)
    expect(engine.stats().notificationUsers).toBe(0)
    // Meanwhile another device deletes a job of the user... (here: starts and deletes one)
    const { job: other } = await engine.createJob('u1', { request: chatRequest, threadId: 't' })
    await engine.whenSettled(other.id)
    await vi.advanceTimersByTimeAsync(0)
    await engine.deleteJob('u1', other.id)
    // ...and the tab wakes and resumes after the last id it got.
    const replayed: JobNotification[] = []
    const detachAgain = engine.attachNotifications('u1', sink(replayed), lastId)
    expect(replayed.map(note => note.type)).toContain('job-deleted')
    detachAgain()
    await engine.dispose()
  })
})
