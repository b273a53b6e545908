import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createBackend } from './backend'
import { askWorkflow, createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, workflows: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

/**
 * B forwards an abort of A's job while A (whose heartbeat never reaches the store and who hears no
 * controls) lets the lease lapse; B takes the job over, acts on the stored abort, and its forward
 * ends on the stored job-end before its own run reports that end. The route's answer must be the
 * aborted job, as `getJob` right after says.
 */
describe('abort answered during a takeover', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })
  it('answers the aborted status, not the taken-over run\'s last active one', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, workflows: [askWorkflow], wrap: provider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} }) })
    const b = createEngineNode(backend, { instanceId: 'B', config, workflows: [askWorkflow] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const aborting = b.engine.abortJob('u1', job.id).then(s => s.status, (e: unknown) => e)
    await vi.advanceTimersByTimeAsync(8_000)
    const answered = await aborting
    const stored = (await b.engine.getJob('u1', job.id)).job.status
    expect([answered, stored]).toEqual(['aborted', 'aborted'])
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
