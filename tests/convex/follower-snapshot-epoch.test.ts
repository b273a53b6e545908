/**
 * A follower's `GET /api/jobs/:id` right after a takeover: the new owner (epoch 2) has stored no
 * event yet (a continued chat still waiting for its first text). The follower's stream snapshot
 * is under the new lease's epoch (viewer-hub.ts), and so is the owner's own state, but `getJob`
 * there gave the stored state without it (epoch 1). The browser's quiet-stream check compares that
 * epoch with its own (app/lib/job-stream.ts `verify`): "another epoch" dropped a healthy stream and
 * opened a new one.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import type { JobState } from '../../shared/reducer'
import { createRecordingSink } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' } })
const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }
/** A chat that writes nothing until it is stopped (the model has not answered yet). */
const quiet: JobRunners['chat'] = context => new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }))

describe('a follower\'s job state after a takeover, before the new owner stored an event', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('carries the new lease\'s epoch, as the follower\'s stream snapshot and the owner\'s state do', async () => {
    const backend = createBackend()
    // A stuck owner: its heartbeats claim success but never reach the store, so B takes over.
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: quiet, wrap: provider => ({ ...provider, heartbeatLease: async () => true }) })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: quiet })
    const { job } = await a.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(4_500)
    const { state: onOwner } = await b.engine.getJob('u1', job.id)
    expect(onOwner.epoch).toBe(2)
    // An instance that only follows the job (B's lease is healthy: C takes nothing over).
    const c = createEngineNode(backend, { instanceId: 'C', config, chat: quiet })
    // Nothing of the new owner's stored yet.
    expect((await c.provider.readEvents(job.id, 0))!.events.some(event => (event.epoch ?? 1) > 1)).toBe(false)

    const viewer = createRecordingSink()
    await c.engine.attachViewer('u1', job.id, viewer, null)
    const snapshot = viewer.frames.find(frame => frame.event === 'snapshot')!
    expect((snapshot.data as JobState).epoch).toBe(2)
    const { state: onFollower } = await c.engine.getJob('u1', job.id)
    expect(onFollower.epoch).toBe(2)

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose(), c.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
