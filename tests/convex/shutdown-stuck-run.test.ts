/**
 * A shutdown that gives up on a run whose code ignores its abort (an unbounded wait in app code):
 * `dispose` returns after its grace period, and from then on nothing of that run acts on the
 * disposed provider — no lease heartbeat, no timer of the run left. Before, the run's timers were
 * only cleared when its code returned: its lease heartbeat kept writing to the disposed store every
 * `lease.heartbeatMs` (and its job time limit stayed armed) for as long as the process lived.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { RUN_RETURN_GRACE_MS } from '../../server/lib/engine'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const LEASE_MS = 3_000
const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: LEASE_MS, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

describe('shutdown with a run whose code never returns', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each([false, true])('handOff %s: after dispose, no heartbeat reaches the provider and no timer of the run is left', async (handOff) => {
    const counts = { disposed: false, heartbeatsAfterDispose: 0 }
    const node = createEngineNode(createBackend(), {
      instanceId: 'A',
      config,
      chat: () => new Promise<void>(() => {}),
      wrap: (provider: JobProvider): JobProvider => ({
        ...provider,
        heartbeatLease: async (...args) => {
          if (counts.disposed) counts.heartbeatsAfterDispose++
          return await provider.heartbeatLease!(...args)
        },
        dispose: async () => {
          counts.disposed = true
          await provider.dispose?.()
        },
      }),
    })
    await node.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(100)
    const disposing = node.engine.dispose({ handOff })
    await vi.advanceTimersByTimeAsync(LEASE_MS + RUN_RETURN_GRACE_MS)
    await disposing
    expect(counts.disposed).toBe(true)
    await vi.advanceTimersByTimeAsync(10 * LEASE_MS)
    expect(counts.heartbeatsAfterDispose).toBe(0)
    expect(node.engine.stats()).toMatchObject({ jobTimers: 0, engineTimers: 0 })
  })
})
