/**
 * What recovery after a lost owner counts and logs (convex-test, two instances' worth of store): an
 * end it writes for a job that ran elsewhere is counted, not timed (no run of it happened here, its
 * metrics are empty), and `lease_takeovers_total{outcome="ended"}` goes up once the end is stored
 * — a write that failed leaves the job to the next scan, which counts it then, once. It gets the
 * same `job ended` line as any other end (docs/logs.md), once, by the instance that ended it
 * — also when the write's reply was lost but the end was stored (a timeout after the write): the
 * next scan no longer lists an ended job, so that end was never counted, logged nor told to the
 * app's `job-ended` hook.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { useMetrics } from '../../server/lib/metrics'
import type { JobProvider } from '../../server/lib/providers/types'
import { NOTHING_SPENT, recordingLogger } from '../support/recording-logger'
import { createBackend, createInstance, newJob, statusEvent, textDeltas } from './backend'
import { createEngineNode } from './engine-node'

const NOW = 1_000_000

/** A chat job whose owner streamed some text, then died: its lease has lapsed. */
async function jobOfLostOwner() {
  const backend = createBackend()
  const store = createInstance(backend).provider
  const job = newJob({ lease: { instanceId: 'lost', epoch: 1, expiresAt: Number.MAX_SAFE_INTEGER } })
  await store.create(job)
  await store.appendEvents(job.id, [statusEvent(1, 'running'), ...textDeltas(2, ['partial '])], { epoch: 1 })
  await backend.run(async (ctx) => {
    const row = await ctx.db.query('leases').withIndex('by_job', q => q.eq('jobId', job.id)).unique()
    await ctx.db.patch(row!._id, { expiresAt: NOW - 1 })
  })
  return { backend, store, job }
}

describe('what recovery counts', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
    useMetrics().reset()
  })
  afterEach(() => {
    vi.useRealTimers()
    useMetrics().reset()
  })

  it('a chat ended owner-lost is a job ended warning, once, on the instance that ended it', async () => {
    const { backend, store, job } = await jobOfLostOwner()
    const { logger, lines } = recordingLogger()
    const b = createEngineNode(backend, { instanceId: 'B', config: resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } }), logger, chat: async () => {} })
    expect(await b.engine.recover()).toBe(1)
    expect(await store.getState(job.id)).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })
    expect(lines.filter(line => line.message === 'job ended')).toEqual([
      { level: 'warn', message: 'job ended', fields: { jobId: job.id, type: 'chat', instanceId: 'B', status: 'failed', error: 'owner-lost', failedDuring: 'engine', ...NOTHING_SPENT } },
    ])
    await b.engine.dispose()
  })

  it('an owner-lost end is counted, not timed: no 0 ms job duration for a run that happened elsewhere', async () => {
    const { backend, store, job } = await jobOfLostOwner()
    const b = createEngineNode(backend, { instanceId: 'B', config: resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } }), chat: async () => {} })
    expect(await b.engine.recover()).toBe(1)
    expect(await store.getState(job.id)).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })
    const snapshot = useMetrics().snapshot()
    expect(snapshot.counters['jobs_ended_total{status="failed"}']).toBe(1)
    expect(snapshot.counters['jobs_started_total']).toBeUndefined()
    // No run of this job happened here (no start, no duration known): nothing to time.
    expect(snapshot.histograms.job_duration_ms?.count ?? 0).toBe(0)
    await b.engine.dispose()
  })

  it('an ended takeover is counted once its end is stored: a failed write counts nothing, the next scan counts it once', async () => {
    const { backend, store, job } = await jobOfLostOwner()
    let failNext = true
    const flakyAppend = (provider: JobProvider): JobProvider => ({
      ...provider,
      appendEvents: async (...args: Parameters<JobProvider['appendEvents']>) => {
        if (failNext) {
          failNext = false
          throw new ProviderUnavailableError('Convex', 'Convex did not answer appendEvents within 10000 ms', 1)
        }
        return await provider.appendEvents(...args)
      },
    })
    const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
    const b = createEngineNode(backend, { instanceId: 'B', config, wrap: flakyAppend, chat: async () => {} })
    await b.engine.recover()
    const afterFirst = useMetrics().snapshot().counters
    expect((await store.getState(job.id))?.status).toBe('running') // nothing was ended
    // The first scan ended nothing: not counted.
    const firstEnded = afterFirst['lease_takeovers_total{outcome="ended",type="chat"}'] ?? 0
    await vi.advanceTimersByTimeAsync(3_500) // B's own claim lapses; the next scan claims again
    await b.engine.recover()
    expect((await store.getState(job.id))?.status).toBe('failed')
    const counters = useMetrics().snapshot().counters
    expect(counters['jobs_ended_total{status="failed"}']).toBe(1)
    expect(firstEnded).toBe(0)
    expect(counters['lease_takeovers_total{outcome="ended",type="chat"}']).toBe(1)
    await b.engine.dispose()
  })

  it('an end stored whose reply was lost is counted, logged and told to the job-ended hook, once', async () => {
    const { backend, store, job } = await jobOfLostOwner()
    let loseReply = true
    // The write lands, then the call times out: the end is stored, the reply is not received.
    const lostReply = (provider: JobProvider): JobProvider => ({
      ...provider,
      appendEvents: async (...args: Parameters<JobProvider['appendEvents']>) => {
        const result = await provider.appendEvents(...args)
        if (loseReply) {
          loseReply = false
          throw new ProviderUnavailableError('Convex', 'Convex did not answer appendEvents within 10000 ms', 1)
        }
        return result
      },
    })
    const { logger, lines } = recordingLogger()
    const ended: string[] = []
    const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
    const b = createEngineNode(backend, { instanceId: 'B', config, wrap: lostReply, logger, chat: async () => {}, hooks: { jobEnded: async (endedJob) => void ended.push(endedJob.id) } })
    await b.engine.recover()
    expect(await store.getState(job.id)).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })
    await vi.advanceTimersByTimeAsync(3_500)
    await b.engine.recover()
    const { counters } = useMetrics().snapshot()
    expect(counters['jobs_ended_total{status="failed"}']).toBe(1)
    expect(counters['job_errors_total{code="owner-lost"}']).toBe(1)
    expect(counters['lease_takeovers_total{outcome="ended",type="chat"}']).toBe(1)
    expect(lines.filter(line => line.message === 'job ended')).toEqual([
      { level: 'warn', message: 'job ended', fields: { jobId: job.id, type: 'chat', instanceId: 'B', status: 'failed', error: 'owner-lost', failedDuring: 'engine', ...NOTHING_SPENT } },
    ])
    expect(ended).toEqual([job.id])
    await b.engine.dispose()
  })
})
