/**
 * An owner that was away past its lease (its heartbeats did not get through: frozen, cut off) and
 * comes back may have lost the job to another instance before it has heard so. An abort sent to
 * it then must reach the job — not be acted on by the old run alone, whose end the store refuses
 * (another epoch), while the new owner runs on and the route answers 200.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { resolveConfig } from '../../server/lib/config'
import type { JobLease } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { askWorkflow, createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, workflows: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('abort sent to an owner back from away', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('aborts the job, which the other instance took over meanwhile', async () => {
    const backend = createBackend()
    let away = false
    const a = createEngineNode(backend, {
      instanceId: 'A',
      config,
      workflows: [askWorkflow],
      wrap: provider => ({
        ...provider,
        heartbeatLease: (id: string, lease: JobLease, leaseMs: number) => away ? Promise.reject(new ProviderUnavailableError('convex', 'The job store (test) is cut off from this instance', 5)) : provider.heartbeatLease!(id, lease, leaseMs),
      }),
    })
    const b = createEngineNode(backend, { instanceId: 'B', config, workflows: [askWorkflow] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    away = true
    await vi.advanceTimersByTimeAsync(8_000)
    expect((await b.engine.getJob('u1', job.id)).job).toMatchObject({ status: 'waiting' })

    // A is back; before its next heartbeat tells it the job is B's now, the user aborts on A.
    away = false
    const aborting = a.engine.abortJob('u1', job.id).then(summary => summary.status, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(8_000)
    const answered = await aborting
    const stored = (await b.engine.getJob('u1', job.id)).job.status
    expect([answered, stored]).toEqual(['aborted', 'aborted'])

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
