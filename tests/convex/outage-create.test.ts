/**
 * A creation that timed out while Convex was unreachable (the fault-injecting facade; time is
 * fake). The route answered 503 and nothing started, but the Convex client keeps the mutation and
 * sends it after the reconnect, so the job is stored late. Left alone, its lease lapsed and
 * recovery ran it (a workflow, or a chat with `recovery.chat: continue`) — work the user was told
 * had failed, and had likely asked for again. The provider ends such a job as soon as it is stored.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { createFaultyFacade, type FaultyFacade } from './fault-facade'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const TIMEOUT_MS = 10_000

describe('a creation that timed out', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(1_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is ended when Convex stores it after the reconnect, and never run by recovery', async () => {
    const config = resolveConfig({ scripted: { enabled: true }, convexTimeoutMs: TIMEOUT_MS, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' } })
    const runs: string[] = []
    let faulty!: FaultyFacade
    const node = createEngineNode(createBackend(), {
      instanceId: 'A',
      config,
      chat: async (context) => { runs.push(context.jobId) },
      timeoutMs: TIMEOUT_MS,
      wrapFacade: (facade) => {
        faulty = createFaultyFacade(facade)
        // The connection drops as the creation goes out (after the global count was read).
        return { ...faulty, mutation: (reference, args) => {
          if (reference as unknown as string === 'jobs:create') faulty.disconnect()
          return faulty.mutation(reference, args)
        } }
      },
    })
    const refused = node.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } }).then(() => null, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
    expect(await refused).toBeInstanceOf(ProviderUnavailableError)

    await faulty.reconnect() // the creation commits now
    const [stored] = await node.provider.list({ userId: 'u1' })
    expect(stored).toBeDefined()
    // Well past its lease: recovery has scanned many times.
    await vi.advanceTimersByTimeAsync(30_000)
    expect(runs).toEqual([])
    expect(await node.provider.getState(stored!.id)).toMatchObject({ status: 'failed', error: { code: 'store-unreachable' } })
    expect(await node.provider.countActive({ userId: 'u1' })).toBe(0)
    await node.engine.dispose()
  })
})
