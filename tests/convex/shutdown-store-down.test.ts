/**
 * A graceful shutdown while the shared store is down (docs/restarts-and-upgrades.md › Graceful shutdown): however
 * many jobs are handed off, the whole shutdown gives up after one lease period — the hand-offs wait
 * together, not one lease period each — and a lease release that cannot reach the store does not
 * hold it either.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import type { JobProvider } from '../../server/lib/providers/types'
import { wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const LEASE_MS = 3_000
const config = resolveConfig({ scripted: { enabled: true }, recovery: { chat: 'continue' }, lease: { durationMs: LEASE_MS, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

/** Streams a word every 100 ms until stopped. */
const endless: JobRunners['chat'] = async (context) => {
  for (;;) {
    context.text('word ')
    await wait(100, context.signal)
  }
}

/** The store goes down: appends fail, a lease release never answers. */
function withOutage(provider: JobProvider, outage: { down: boolean }): JobProvider {
  return {
    ...provider,
    appendEvents: async (...args) => {
      if (outage.down) throw new Error('store unreachable')
      return await provider.appendEvents(...args)
    },
    heartbeatLease: async (...args) => outage.down ? await new Promise<boolean>(() => {}) : await provider.heartbeatLease!(...args),
  }
}

describe('shutdown with the store down', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('hands off three running chats and gives up after one lease period in all', async () => {
    const outage = { down: false }
    const node = createEngineNode(createBackend(), { instanceId: 'A', config, chat: endless, wrap: provider => withOutage(provider, outage) })
    for (let index = 0; index < 3; index++) await node.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(300)
    expect(node.engine.stats().runs).toBe(3)
    outage.down = true
    let disposed = false
    void node.engine.dispose().then(() => {
      disposed = true
    })
    await vi.advanceTimersByTimeAsync(LEASE_MS - 100)
    expect(disposed).toBe(false)
    await vi.advanceTimersByTimeAsync(200)
    expect(disposed).toBe(true)
    expect(node.engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
  })
})
