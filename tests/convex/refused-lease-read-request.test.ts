/**
 * An owner whose lease heartbeat is refused (another instance took the job over) asks the store
 * whether the job is still there, to say why its run stops. That look read the whole record with
 * `jobs:get`, request included (up to 1 MB: an AI SDK chat sends its whole history with every
 * turn), where only its existence is used; it now reads the job as a listing gives it (`getListed`).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobProvider } from '../../server/lib/providers/types'
import { partsChat } from '../support/provider-outage'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { countingQueries } from './counting-queries'
import { longHistoryChat } from '../support/long-history'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('convex: a refused lease and the job\'s request', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('checks that the job is still stored without reading its whole history', async () => {
    const backend = createBackend()
    const counter = { bytes: 0 }
    let refuse = false
    const refusing = (provider: JobProvider): JobProvider => ({
      ...provider,
      heartbeatLease: async (id, lease, leaseMs) => refuse ? false : await provider.heartbeatLease!(id, lease, leaseMs),
    })
    const owner = createEngineNode(backend, { instanceId: 'A', config, chat: partsChat(), wrap: refusing, wrapFacade: countingQueries(counter) })
    const { history, messages } = longHistoryChat()
    const { job } = await owner.engine.createJob('u1', { request: { type: 'chat', messages } })
    await vi.advanceTimersByTimeAsync(500)
    expect(owner.engine.stats().runs).toBe(1)

    const before = counter.bytes
    refuse = true
    await vi.advanceTimersByTimeAsync(config.lease.heartbeatMs)
    await owner.engine.whenSettled(job.id)
    expect(owner.engine.stats().runs).toBe(0)
    expect(counter.bytes - before).toBeLessThan(history.length / 10)

    const disposed = owner.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
