/**
 * Heartbeats through a Convex outage (the fault-injecting facade; time is fake). The Convex client
 * keeps every mutation that timed out and sends it after the reconnect; heartbeats come on timers,
 * so without a gate each lease would pile up one stale heartbeat per time limit, all replayed at
 * the reconnect against the same lease documents. The provider keeps one outstanding per lease (and
 * per instance) and sends the next only once the store answers again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { wait } from '../support/engine-harness'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createBackend, createInstance, newJob } from './backend'
import { createEngineNode } from './engine-node'
import { createFaultyFacade, type FaultyFacade } from './fault-facade'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const TIMEOUT_MS = 10_000
const OUTAGE_MS = 120_000

const sentWhileDown = (faulty: FaultyFacade, name: string) => faulty.calls.filter(call => call.name === name && call.waited)

describe('heartbeats through a Convex outage', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(1_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a lease heartbeat waits for the one still outstanding instead of queueing another; each caller still gets its 503 in time', async () => {
    let faulty!: FaultyFacade
    const { provider } = createInstance(createBackend(), { timeoutMs: TIMEOUT_MS, wrap: facade => (faulty = createFaultyFacade(facade)) })
    const job = newJob({ lease: { instanceId: 'A', epoch: 1, expiresAt: Number.MAX_SAFE_INTEGER } })
    await provider.create(job)
    faulty.disconnect()
    for (let beat = 0; beat < 6; beat++) {
      const outcome = provider.heartbeatLease!(job.id, job.lease!, 3_000).then(() => null, (error: unknown) => error)
      await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
      expect(await outcome).toBeInstanceOf(ProviderUnavailableError)
    }
    expect(sentWhileDown(faulty, 'leases:heartbeatLease')).toHaveLength(1)
    const pending = provider.heartbeatLease!(job.id, job.lease!, 3_000)
    await faulty.reconnect()
    // Sent once the outstanding one was answered: a fresh answer, not the stale one's.
    expect(await pending).toBe(true)
    expect(faulty.calls.filter(call => call.name === 'leases:heartbeatLease')).toHaveLength(2)
    expect(await provider.heartbeatLease!(job.id, job.lease!, 3_000)).toBe(true)
  })

  it('a running job and its instance send one heartbeat each while Convex is down, and the job carries on after the reconnect', async () => {
    const config = resolveConfig({ scripted: { enabled: true }, convexTimeoutMs: TIMEOUT_MS, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
    const words = async (context: Parameters<JobRunners['chat']>[0]) => {
      for (let index = 0; index < 1_500; index++) {
        await wait(100, context.signal)
        context.text(`w${index} `)
      }
    }
    let faulty!: FaultyFacade
    const node = createEngineNode(createBackend(), { instanceId: 'A', config, chat: words, timeoutMs: TIMEOUT_MS, wrapFacade: facade => (faulty = createFaultyFacade(facade)) })
    const { job } = await node.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    await vi.advanceTimersByTimeAsync(3_000)

    faulty.disconnect()
    await vi.advanceTimersByTimeAsync(OUTAGE_MS)
    // One per time limit each before: 12 lease heartbeats and 6 instance heartbeats replayed at the reconnect.
    expect(sentWhileDown(faulty, 'leases:heartbeatLease')).toHaveLength(1)
    expect(sentWhileDown(faulty, 'leases:heartbeatInstance')).toHaveLength(1)

    await faulty.reconnect()
    await vi.advanceTimersByTimeAsync(60_000)
    await node.engine.whenSettled(job.id)
    expect(await node.provider.getState(job.id)).toMatchObject({ status: 'completed' })
    expect((await node.provider.get(job.id))?.lease).toMatchObject({ instanceId: 'A', epoch: 1 })
    await node.engine.dispose()
  })
})
