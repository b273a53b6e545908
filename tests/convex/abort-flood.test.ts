/**
 * Aborts of a job another instance runs are forwarded to its owner as controls stored in the job
 * store. No rate limit counts aborts, so each of a burst of aborts of one job (a script, a button
 * held down, the AI SDK's stop on every tab) stored a control of its own, held a reply
 * subscription and timer, and had the owner write one reply each — while the owner is away, all of
 * them until the job is taken over. The aborts of one job this instance forwards now share the one
 * in flight: the store gets one control, and every caller its outcome.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { askWorkflow, createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, workflows: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('a burst of aborts of a job another instance runs', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('stores one control while one is in flight; every caller gets the outcome', async () => {
    const backend = createBackend()
    let controlsSent = 0
    const counting = (provider: JobProvider): JobProvider => ({
      ...provider,
      sendControl: async (...args: Parameters<NonNullable<JobProvider['sendControl']>>) => {
        controlsSent++
        return await provider.sendControl!(...args)
      },
    })
    // The owner hears no control while it is away; its lease lapses and B takes the job over.
    const a = createEngineNode(backend, { instanceId: 'A', config, workflows: [askWorkflow], wrap: provider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} }) })
    const b = createEngineNode(backend, { instanceId: 'B', config, workflows: [askWorkflow], wrap: counting })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const aborts = Array.from({ length: 50 }, () => b.engine.abortJob('u1', job.id).then(() => 'ok', (error: unknown) => error))
    await vi.advanceTimersByTimeAsync(8_000)
    expect(await Promise.all(aborts)).toEqual(Array.from({ length: 50 }, () => 'ok'))
    expect(controlsSent).toBe(1)
    expect((await b.engine.getJob('u1', job.id)).state.status).toBe('aborted')
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
