/**
 * The ops counters of an instance that takes over jobs from a lost owner (docs/metrics.md,
 * Runbook), on engines sharing a provider: a chat it continues counts in `jobs{status="running"}`
 * and `jobs_started_total` while it runs here, and a chat it ends `owner-lost` counts in
 * `jobs_ended_total` and `job_errors_total{code="owner-lost"}` — where the runbook looks after a crash;
 * both count in `lease_takeovers_total{type,outcome}` (resumed / ended).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import { useMetrics } from '../../server/lib/metrics'
import { createBackend, createInstance, newJob, statusEvent, textDeltas } from './backend'
import { createEngineNode } from './engine-node'

const NOW = 1_000_000
const LOST_LEASE = { instanceId: 'lost', epoch: 1, expiresAt: NOW - 1 }

/** A backend holding a chat job a lost owner left running with some stored text, and a node B. */
async function takeOverSetup(config: BackgroundJobsConfigInput, chat: JobRunners['chat']) {
  const backend = createBackend()
  const store = createInstance(backend).provider
  const job = newJob({ lease: { ...LOST_LEASE, expiresAt: Number.MAX_SAFE_INTEGER } })
  await store.create(job)
  await store.appendEvents(job.id, [statusEvent(1, 'running'), ...textDeltas(2, ['partial '])], { epoch: 1 })
  // The owner is gone: its lease lapses (written straight into the backend, as a crash leaves it).
  await backend.run(async ctx => {
    const row = await ctx.db.query('leases').withIndex('by_job', q => q.eq('jobId', job.id)).unique()
    await ctx.db.patch(row!._id, { expiresAt: LOST_LEASE.expiresAt })
  })
  const b = createEngineNode(backend, { instanceId: 'B', config: resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, ...config }), chat })
  return { id: job.id, store, b }
}

describe('metrics of a takeover', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
    useMetrics().reset()
  })
  afterEach(() => {
    vi.useRealTimers()
    useMetrics().reset()
  })

  it('a chat continued here counts as a run started and running here until its end', async () => {
    let finish!: () => void
    const chat: JobRunners['chat'] = async (context) => {
      await new Promise<void>(resolve => finish = resolve)
      context.text('and the rest')
    }
    const { id, store, b } = await takeOverSetup({ recovery: { chat: 'continue' } }, chat)
    expect(await b.engine.recover()).toBe(1)
    expect(b.engine.stats().runs).toBe(1)
    expect(useMetrics().snapshot().jobsByStatus).toEqual({ queued: 0, running: 1, waiting: 0 })
    expect(useMetrics().snapshot().counters['jobs_started_total']).toBe(1)
    expect(useMetrics().snapshot().counters['lease_takeovers_total{outcome="resumed",type="chat"}']).toBe(1)

    finish()
    await b.engine.whenSettled(id)
    expect(await store.getState(id)).toMatchObject({ status: 'completed', content: 'partial and the rest' })
    const snapshot = useMetrics().snapshot()
    expect(snapshot.jobsByStatus).toEqual({ queued: 0, running: 0, waiting: 0 })
    expect(snapshot.counters['jobs_started_total']).toBe(1)
    expect(snapshot.counters['jobs_ended_total{status="completed"}']).toBe(1)
    await b.engine.dispose()
  })

  it('a chat ended owner-lost here counts in jobs_ended_total and job_errors_total', async () => {
    const chat: JobRunners['chat'] = async () => {
      throw new Error('with recovery.chat = fail a lost chat does not run again')
    }
    const { id, store, b } = await takeOverSetup({}, chat)
    expect(await b.engine.recover()).toBe(1)
    expect(await store.getState(id)).toMatchObject({ status: 'failed', content: 'partial ', error: { code: 'owner-lost' } })
    const snapshot = useMetrics().snapshot()
    expect(snapshot.counters['jobs_ended_total{status="failed"}']).toBe(1)
    expect(snapshot.counters['job_errors_total{code="owner-lost"}']).toBe(1)
    expect(snapshot.counters['events_committed_total{type="job-end"}']).toBe(1)
    expect(snapshot.counters['lease_takeovers_total{outcome="ended",type="chat"}']).toBe(1)
    await b.engine.dispose()
  })
})
