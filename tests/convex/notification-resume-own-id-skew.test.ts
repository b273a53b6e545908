/**
 * A stream that resumes from an id its instance gave (its `stream-start` or a notification) on an
 * instance whose clock runs a little ahead of the deployment's (3 s, within the 5 s the docs allow).
 * The replay of the instance's own backlog needs no margin (its ids only grow), but the user feed
 * started again from that id exactly, and its changes carry the deployment's `changedAt`: a job of
 * another instance that asked the user a question during a short break was stamped before the
 * tab's position and never told. The feed now starts the skew margin before the position.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { recordingSink } from './notification-break'

const config = resolveConfig({ lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('a stream resumed from its own id on an instance whose clock runs ahead of the deployment', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('hears of the question a job on another instance asked during a short break', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config })
    const b = createEngineNode(backend, { instanceId: 'B', config, now: () => Date.now() + 3_000 })
    const tab = recordingSink()
    const detach = b.engine.attachNotifications('u1', tab.sink, null)
    await vi.advanceTimersByTimeAsync(10)
    expect(tab.positions).toHaveLength(1)
    // A one-second break, during which a job on A asks the user a question.
    detach()
    await vi.advanceTimersByTimeAsync(10)
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(1_000)
    expect((await a.provider.get(job.id))?.status).toBe('waiting')
    const back = recordingSink()
    const detachBack = b.engine.attachNotifications('u1', back.sink, tab.positions[0]!)
    await vi.advanceTimersByTimeAsync(100)
    expect(back.received.filter(item => item.jobId === job.id).map(item => item.type)).toEqual(['job-created', 'input-request'])
    detachBack()
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
