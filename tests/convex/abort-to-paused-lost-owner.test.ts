/**
 * An owner whose store connection is down lost its lease; another instance took the job over. An
 * abort sent to the lost owner (the load balancer's pick) is acted on by its stale run, whose
 * aborted end the store then refuses: the abort must still reach the job's owner — an abort
 * answered 200 ends the job aborted — not leave it running on the new owner.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import type { FaultyFacade } from './fault-facade'
import { createFaultyFacade } from './fault-facade'
import { askTwice, askTwiceConfig } from './ask-twice'

describe('an abort sent to a lost owner whose store is unreachable', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ends the job aborted on the instance that took it over', async () => {
    const backend = createBackend()
    let facade!: FaultyFacade
    const a = createEngineNode(backend, { instanceId: 'A', config: askTwiceConfig, workflows: [askTwice], wrapFacade: (inner) => {
      facade = createFaultyFacade(inner)
      return facade
    } })
    const b = createEngineNode(backend, { instanceId: 'B', config: askTwiceConfig, workflows: [askTwice] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    facade.disconnect()
    await vi.advanceTimersByTimeAsync(8_000)
    expect((await b.engine.getJob('u1', job.id)).state).toMatchObject({ epoch: 2, status: 'waiting' })
    const aborting = a.engine.abortJob('u1', job.id).then(summary => summary.status, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(1_000)
    await facade.reconnect()
    await vi.advanceTimersByTimeAsync(10_000)
    const reply = await aborting
    const { state } = await b.engine.getJob('u1', job.id)
    // A 503 would be honest too (retry); a 200 must mean the job was aborted.
    if (typeof reply === 'string') expect([reply, state.status]).toEqual(['aborted', 'aborted'])
    else expect(reply).toMatchObject({ statusCode: 503 })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
