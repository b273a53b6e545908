/**
 * Retention tells the user's notification streams what it deletes, as a deletion request does: a
 * `job-deleted` per job (with its thread) to the open streams and into the backlog, whose earlier
 * notifications of the job leave — a stream resuming from before them is told the deletion only,
 * not the job's end nor its thread's rename (api.md, "Renaming a thread") — to a user with a
 * stream open or active within retention, never keeping an idle one. Before, retention told
 * no stream: a tab kept showing the thread until a reload. And a follower of the job (a viewer's
 * subscription) is told it is gone (`onGone`), which the memory provider never did.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobNotification } from '../../server/lib/notifications'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { createEndedJob, START_MS } from '../providers/contract-fixtures'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { notificationSink } from '../support/notification-sink'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const RETENTION_MS = 60_000
const sink = notificationSink

describe('retention and the notification streams (memory)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('sends job-deleted for each job retention deletes, and a resuming stream hears only that of them', async () => {
    const { engine, provider } = createTestEngine({
      config: { limits: { retentionMs: RETENTION_MS, cleanupIntervalMs: 10_000, createPerMinute: 0 } },
      runners: { async chat(context) {
        context.text('answer')
      } },
    })
    const live: JobNotification[] = []
    const detachLive = engine.attachNotifications('u1', sink(live), null)
    const { job: first } = await engine.createJob('u1', { request: chatRequest, threadId: 't1' })
    await engine.whenSettled(first.id)
    await engine.renameThread('u1', 't1', 'Lisbon in May')
    await vi.advanceTimersByTimeAsync(0)
    const before = live[0]!.id - 1
    // A second job ends later: the pass that takes the first keeps it.
    await vi.advanceTimersByTimeAsync(30_000)
    const { job: second } = await engine.createJob('u1', { request: chatRequest, threadId: 't2' })
    await engine.whenSettled(second.id)
    await vi.advanceTimersByTimeAsync(0)
    live.length = 0

    await vi.advanceTimersByTimeAsync(RETENTION_MS - 30_000 + 10_000)
    expect(await provider.get(first.id)).toBeNull()
    expect(await provider.get(second.id)).not.toBeNull()
    // Before: nothing (retention told no stream).
    expect(live.map(note => ({ type: note.type, jobId: note.jobId, threadId: note.threadId }))).toEqual([{ type: 'job-deleted', jobId: first.id, threadId: 't1' }])

    // A tab that slept since before the first job resumes: its creation, end and rename are gone from the backlog.
    const resumed: JobNotification[] = []
    const detachResumed = engine.attachNotifications('u1', sink(resumed), before)
    expect(resumed.filter(note => note.jobId === first.id || note.threadId === 't1').map(note => note.type)).toEqual(['job-deleted'])

    await vi.advanceTimersByTimeAsync(30_000)
    expect(live.map(note => note.type)).toEqual(['job-deleted', 'job-deleted'])
    expect(live[1]).toMatchObject({ jobId: second.id, threadId: 't2' })
    detachLive()
    detachResumed()
    // Told only while a stream may read it: an idle user is not kept another retention period for it.
    const { job: third } = await engine.createJob('u1', { request: chatRequest, threadId: 't3' })
    await engine.whenSettled(third.id)
    await vi.advanceTimersByTimeAsync(2 * RETENTION_MS + 10_000)
    expect(await provider.get(third.id)).toBeNull()
    expect(engine.stats().notificationUsers).toBe(0)
    await engine.dispose()
  })

  it('memory: a follower of a job retention (or a deletion) takes is told it is gone, once', async () => {
    const provider = createMemoryProvider({ now: () => START_MS })
    const expired = await createEndedJob(provider, START_MS + 1)
    const deleted = await createEndedJob(provider, START_MS + 5)
    const gone: string[] = []
    for (const job of [expired, deleted]) provider.subscribe(job.id, () => {}, { onGone: () => gone.push(job.id) })
    const reported: string[] = []
    expect(await provider.deleteExpired(START_MS + 2, undefined, job => reported.push(`${job.userId}/${job.id}/${job.threadId}`))).toBe(1)
    expect(reported).toEqual([`${expired.userId}/${expired.id}/${expired.threadId}`])
    expect(await provider.deleteJob(deleted.id)).toBe('deleted')
    // Before: [] (the memory provider dropped its followers silently).
    expect(gone).toEqual([expired.id, deleted.id])
    expect(provider.stats().listeners).toBe(0)
  })
})
