/**
 * A job whose Convex document is deleted by hand while it runs: its owner (A) finds it gone at its
 * next write and stops the run without an end. The user's streams hear `job-lost` — on A
 * at once, and on B through the feed (`deletion:recordLost` leaves a `jobDeletions` record marked
 * `lost`): B could not otherwise know whose job it was. B's replay keeps only the loss.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createRecordingSink, wait } from '../support/engine-harness'
import type { JobRunners } from '../../server/lib/engine-types'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { inputTimeoutMs: 600_000 } })

/** Writes a little text every 100 ms for a minute. */
const writing: JobRunners['chat'] = async (context) => {
  for (let index = 0; index < 600; index++) {
    context.text(`w${index} `)
    await wait(100, context.signal)
  }
}

function createNotificationSink() {
  const received: JobNotification[] = []
  const sink: NotificationSink = { send: notification => void received.push(structuredClone(notification)), comment() {}, close() {} }
  return { sink, received, types: (jobId: string) => received.filter(item => item.jobId === jobId).map(item => item.type) }
}

async function settle(facade: ReturnType<typeof createEngineNode>['facade']) {
  await facade.settled()
  await vi.advanceTimersByTimeAsync(0)
  await facade.settled()
}

describe('a job whose document was deleted by hand while it ran', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('the owner\'s stream and the other instance\'s hear job-lost; a replay keeps only it', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: writing })
    const b = createEngineNode(backend, { instanceId: 'B', config })
    const onA = createNotificationSink()
    const onB = createNotificationSink()
    a.engine.attachNotifications('u1', onA.sink, null)
    b.engine.attachNotifications('u1', onB.sink, null)
    await settle(b.facade)
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'Plan a trip' }] }, threadId: 't1' })
    await vi.advanceTimersByTimeAsync(100)
    await settle(b.facade)
    expect(onB.types(job.id)).toEqual(['job-created'])
    // A tab following the job on B (through the deployment): its stream ends with the job.
    const viewerOnB = createRecordingSink()
    await b.engine.attachViewer('u1', job.id, viewerOnB, null)

    await backend.run(async (ctx) => {
      const doc = await ctx.db.query('jobs').withIndex('by_job_id', q => q.eq('jobId', job.id)).unique()
      await ctx.db.delete(doc!._id)
    })
    await vi.advanceTimersByTimeAsync(config.persist.intervalMs + 500)
    await a.engine.whenSettled(job.id)
    await settle(b.facade)
    expect(onA.types(job.id).at(-1)).toBe('job-lost')
    expect(onB.types(job.id)).toEqual(['job-created', 'job-lost'])
    expect(onB.received.at(-1)).toMatchObject({ type: 'job-lost', jobId: job.id, threadId: 't1', title: 'Plan a trip' })
    expect(viewerOnB.closed).toBe(true)
    const replay = createNotificationSink()
    b.engine.attachNotifications('u1', replay.sink, 0)
    expect(replay.types(job.id)).toEqual(['job-lost'])
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})

describe('a job waiting for an answer whose document was deleted by hand', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is found at the owner\'s next heartbeats, not at an answer hours later: job-lost here and on B, the run and its slot freed', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config })
    const b = createEngineNode(backend, { instanceId: 'B', config })
    const onA = createNotificationSink()
    const onB = createNotificationSink()
    a.engine.attachNotifications('u1', onA.sink, null)
    b.engine.attachNotifications('u1', onB.sink, null)
    await settle(b.facade)
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(config.persist.intervalMs + 100)
    expect((await a.engine.getJob('u1', job.id)).state.status).toBe('waiting')

    await backend.run(async (ctx) => {
      const doc = await ctx.db.query('jobs').withIndex('by_job_id', q => q.eq('jobId', job.id)).unique()
      await ctx.db.delete(doc!._id)
    })
    // A few heartbeats: far less than the question's ten minutes (`limits.inputTimeoutMs`).
    await vi.advanceTimersByTimeAsync(3 * config.lease.heartbeatMs)
    await settle(b.facade)
    expect(a.engine.stats().runs).toBe(0)
    expect(onA.types(job.id).at(-1)).toBe('job-lost')
    expect(onB.types(job.id).at(-1)).toBe('job-lost')
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})

describe('deletion:recordLost', () => {
  it('records nothing for a job its user deleted (an owner cut off meanwhile is not told of a loss), and records a job gone without a delete', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config })
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'Hi' }] }, threadId: 't1' })
    await a.engine.whenSettled(job.id)
    expect(await a.provider.deleteJob(job.id)).toBe('deleted')
    expect(await a.provider.publishJobLost!({ id: job.id, userId: 'u1', threadId: 't1' })).toBe(false)
    expect(await a.provider.publishJobLost!({ id: 'job-gone', userId: 'u1', threadId: null })).toBe(true)
    const records = await backend.run(ctx => ctx.db.query('jobDeletions').collect())
    expect(records.map(record => [record.jobId, record.lost ?? false])).toEqual([[job.id, false], ['job-gone', true]])
    await a.engine.dispose()
  })
})
