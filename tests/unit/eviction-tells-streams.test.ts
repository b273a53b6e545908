/**
 * The memory provider evicts its oldest finished job when it holds `maxJobs` jobs (to make room for
 * a new one, before the job's retention ran out). Its user's streams are told as after retention:
 * a `job-deleted` with the job's thread, the job's earlier notifications out of the backlog — to a
 * user with a stream open or active within retention, never keeping an idle one. Before, an
 * eviction told no stream: an open tab kept the thread (its list said the job was there) until a
 * reload, and a stream resuming from before it was replayed the job's end.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { emptyMetrics } from '../../shared/events'
import type { JobNotification } from '../../server/lib/notifications'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { notificationSink } from '../support/notification-sink'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const RETENTION_MS = 60_000
const sink = notificationSink

describe('the memory provider\'s eviction and the notification streams', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('sends job-deleted for a finished job evicted to make room, and a resuming stream hears only that of it', async () => {
    const provider = createMemoryProvider({ maxJobs: 2 })
    const { engine } = createTestEngine({
      config: { limits: { retentionMs: RETENTION_MS, createPerMinute: 0 } },
      wrap: () => provider,
      runners: { async chat(context) {
        context.text('answer')
      } },
    })
    const live: JobNotification[] = []
    const detachLive = engine.attachNotifications('u1', sink(live), null)
    const { job: first } = await engine.createJob('u1', { request: chatRequest, threadId: 't1' })
    await engine.whenSettled(first.id)
    await vi.advanceTimersByTimeAsync(0)
    const before = live[0]!.id - 1
    const { job: second } = await engine.createJob('u2', { request: chatRequest, threadId: 't2' })
    await engine.whenSettled(second.id)
    await vi.advanceTimersByTimeAsync(0)
    live.length = 0

    // A third job: the memory provider holds two, so u1's finished job goes to make room.
    const { job: third } = await engine.createJob('u2', { request: chatRequest, threadId: 't3' })
    await engine.whenSettled(third.id)
    expect(await provider.get(first.id)).toBeNull()
    // Before: nothing (an eviction told no stream).
    expect(live.map(note => ({ type: note.type, jobId: note.jobId, threadId: note.threadId }))).toEqual([{ type: 'job-deleted', jobId: first.id, threadId: 't1' }])

    // A tab that slept since before the job resumes: its creation and end are gone from the backlog.
    const resumed: JobNotification[] = []
    const detachResumed = engine.attachNotifications('u1', sink(resumed), before)
    expect(resumed.map(note => note.type)).toEqual(['job-deleted'])
    detachLive()
    detachResumed()
    // Told only while a stream may read it: an idle user is not kept another retention period for it.
    await vi.advanceTimersByTimeAsync(2 * RETENTION_MS)
    const { job: fourth } = await engine.createJob('u3', { request: chatRequest })
    await engine.whenSettled(fourth.id)
    await vi.advanceTimersByTimeAsync(2 * RETENTION_MS)
    expect(engine.stats().notificationUsers).toBe(0)
    await engine.dispose()
  })

  it('hands each evicted job to create\'s onEvicted, and tells its followers it is gone', async () => {
    const provider = createMemoryProvider({ maxJobs: 1 })
    const job = (id: string, threadId: string | null) => ({ id, userId: `user-${id}`, type: 'chat' as const, threadId, messageId: null, idempotencyKey: null, title: 't', request: chatRequest, createdAt: 0, lease: null })
    await provider.create(job('a', 't-a'))
    await provider.appendEvents('a', [{ type: 'job-end', status: 'completed', metrics: emptyMetrics(), seq: 1, at: 0 }])
    const gone: string[] = []
    provider.subscribe('a', () => {}, { onGone: () => gone.push('a') })
    const evicted: unknown[] = []
    await provider.create(job('b', null), { onEvicted: evictedJob => evicted.push(evictedJob) })
    expect(evicted).toEqual([{ id: 'a', userId: 'user-a', threadId: 't-a' }])
    expect(gone).toEqual(['a'])
    expect(provider.stats().listeners).toBe(0)
  })
})
