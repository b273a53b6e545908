/**
 * An abort of a job run on another instance whose owner does not answer in time ends with a look
 * at the job's status (ended meanwhile: done; still going: 503 "did not answer"). That look read
 * the whole record with `jobs:get`, request included (up to 1 MB: an AI SDK chat sends its whole
 * history with every turn), where the status is all it uses; it now reads the job as a listing
 * gives it (`getListed`).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createBackend, newJob, statusEvent } from './backend'
import { createEngineNode } from './engine-node'
import { countingQueries } from './counting-queries'
import { longHistoryChat } from '../support/long-history'

const config = resolveConfig({})

describe('convex: an abort the owner did not answer and the job\'s request', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reads the job\'s status without its whole history', async () => {
    const backend = createBackend()
    const counter = { bytes: 0 }
    const viewer = createEngineNode(backend, { instanceId: 'B', config, wrapFacade: countingQueries(counter) })
    const { history, messages } = longHistoryChat()
    // Run by an owner whose lease never lapses (no takeover) and who answers no control.
    const { record: job } = await viewer.provider.create(newJob({ userId: 'u1', request: { type: 'chat', messages } }))
    await viewer.provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })

    const before = counter.bytes
    const aborting = viewer.engine.abortJob('u1', job.id).then(() => null, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(config.lease.durationMs + 2 * config.lease.heartbeatMs + 1_000)
    expect(await aborting).toMatchObject({ name: 'OwnerUnreachableError', statusCode: 503 })
    expect(counter.bytes - before).toBeLessThan(history.length / 10)

    const disposed = viewer.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
