/**
 * A shutdown while a recovery scan is taking a lapsed job over (its claim still on its way to the
 * store): the taken-over job is handed off with the instance's other runs, and the scan takes no
 * more jobs. Before, the scan went on after `dispose` returned and started the run on the disposed
 * engine: it held the lease (heartbeats every second, so no other instance could take the job) and
 * its timers for as long as the process lived.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const LEASE_MS = 3_000
const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: LEASE_MS, heartbeatMs: 1_000 } })
const ask = { type: 'workflow' as const, workflow: 'ask', input: {} }

/** Holds every `claimLease` until `release()`; counts the heartbeats sent after `dispose`. */
function holdClaims(provider: JobProvider) {
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  const counts = { claims: 0, disposed: false, heartbeatsAfterDispose: 0 }
  const wrapped: JobProvider = {
    ...provider,
    claimLease: async (...args) => {
      counts.claims++
      await gate
      return await provider.claimLease!(...args)
    },
    heartbeatLease: async (...args) => {
      if (counts.disposed) counts.heartbeatsAfterDispose++
      return await provider.heartbeatLease!(...args)
    },
    dispose: async () => {
      counts.disposed = true
      await provider.dispose?.()
    },
  }
  return { wrapped, release: () => release(), counts }
}

describe('shutdown during a recovery scan', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a job whose claim was in flight is handed off with the others: no run, no timer, no heartbeat after dispose', async () => {
    const backend = createBackend()
    // A lost owner: its heartbeats never reach the store.
    const a = createEngineNode(backend, { instanceId: 'A', config, wrap: provider => ({ ...provider, heartbeatLease: async () => true }) })
    let hold!: ReturnType<typeof holdClaims>
    const b = createEngineNode(backend, { instanceId: 'B', config, wrap: (provider) => {
      hold = holdClaims(provider)
      return hold.wrapped
    } })
    await a.engine.createJob('u1', { request: ask })
    await vi.advanceTimersByTimeAsync(LEASE_MS + 1_100)
    expect(hold.counts.claims).toBe(1)
    const disposing = b.engine.dispose()
    await vi.advanceTimersByTimeAsync(0)
    hold.release()
    await vi.advanceTimersByTimeAsync(LEASE_MS * 3)
    await disposing
    expect(b.engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, engineTimers: 0 })
    expect(hold.counts.heartbeatsAfterDispose).toBe(0)
    // Handed off: its lease released at once, so a third instance takes it over at its first scan.
    const c = createEngineNode(backend, { instanceId: 'C', config })
    expect(await c.engine.recover()).toBe(1)
    expect(c.engine.stats().runs).toBe(1)
    await a.engine.dispose()
    await c.engine.dispose()
  })

  it('a claim that lands after dispose stopped waiting (one lease period) starts no run, and the scan claims no other job', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, wrap: provider => ({ ...provider, heartbeatLease: async () => true }) })
    let hold!: ReturnType<typeof holdClaims>
    const b = createEngineNode(backend, { instanceId: 'B', config, wrap: (provider) => {
      hold = holdClaims(provider)
      return hold.wrapped
    } })
    await a.engine.createJob('u1', { request: ask })
    await a.engine.createJob('u2', { request: ask })
    await vi.advanceTimersByTimeAsync(LEASE_MS + 1_100)
    expect(hold.counts.claims).toBe(1)
    const disposing = b.engine.dispose()
    await vi.advanceTimersByTimeAsync(LEASE_MS)
    await disposing
    hold.release()
    await vi.advanceTimersByTimeAsync(LEASE_MS * 3)
    expect(hold.counts.claims).toBe(1)
    expect(b.engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, engineTimers: 0 })
    expect(hold.counts.heartbeatsAfterDispose).toBe(0)
    await a.engine.dispose()
  })
})
