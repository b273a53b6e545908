/**
 * A workflow waits for an answer on A; a tab follows the user's notifications on B, which told it
 * of the question (`input-request`). A dies; B takes the job over, voids the question (its id is no
 * longer answerable) and asks again under a new id. The tab must be told the old one is settled.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobNotification } from '../../server/lib/notifications'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, workflows: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('a question voided by a takeover', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is settled on the notification stream of the instance that took the job over', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, wrap: provider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} }) })
    const b = createEngineNode(backend, { instanceId: 'B', config })
    const received: JobNotification[] = []
    b.engine.attachNotifications('u1', { send: note => received.push(structuredClone(note)), comment() {}, close() {} }, null)
    await b.facade.settled()
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    await b.facade.settled()
    const asked = received.filter(note => note.type === 'input-request').map(note => note.requestId)
    expect(asked).toHaveLength(1)

    await vi.advanceTimersByTimeAsync(6_000)
    await b.facade.settled()
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.epoch).toBe(2)
    const [again] = state.pendingInputs
    expect(again!.requestId).not.toBe(asked[0])
    expect(received.filter(note => note.type === 'input-request').map(note => note.requestId)).toEqual([asked[0], again!.requestId])
    expect(received.filter(note => note.type === 'input-answered').map(note => note.requestId)).toContain(asked[0])

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
