/**
 * A job followed from another instance is unsubscribed when its last local viewer goes, or at
 * dispose. A provider whose unsubscribe threw (a client already closed) threw out of `dispose`:
 * the rest of the shutdown (notification streams, the engine's timers, the batching clock, the
 * provider's own dispose) never ran, and the feed's waiters were not woken. Now the feed is let go
 * of all the same and the shutdown goes on to the end.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobProvider } from '../../server/lib/providers/types'
import { createRecordingSink, wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

describe('a job subscription whose unsubscribe throws', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('does not stop the shutdown of the instance following the job', async () => {
    const backend = createBackend()
    let providerDisposed = false
    const throwingUnsubscribe = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, {
      subscribe: (...args: Parameters<NonNullable<JobProvider['subscribe']>>) => {
        const stop = provider.subscribe!(...args)
        return () => {
          stop()
          throw new Error('the subscription client is closed')
        }
      },
      dispose: async () => {
        providerDisposed = true
        await provider.dispose?.()
      },
    })
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: async (context) => {
      context.text('partial')
      await wait(600_000, context.signal)
    } })
    const b = createEngineNode(backend, { instanceId: 'B', config, wrap: throwingUnsubscribe })
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(500)
    await b.engine.attachViewer('u1', job.id, createRecordingSink(), null)
    expect(b.engine.stats().remoteFeeds).toBe(1)

    const disposing = b.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await expect(disposing).resolves.toBeUndefined()
    expect(providerDisposed).toBe(true)
    expect(b.engine.stats()).toMatchObject({ remoteFeeds: 0, viewers: 0, engineTimers: 0 })
    const disposed = a.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
