/**
 * An abort or an answer for a job run on another instance is forwarded: the control is stored, and
 * the sender waits for the owner's reply (a reply subscription, the job's log for its end, and a
 * time limit). A reply or log subscription that threw at once (its client closed, a bug) failed
 * the request, but what was set up before it stayed — the time limit's timer, the reply
 * subscription, the entry `dispose` ends — until the time limit ran out (lease + 2 heartbeats).
 * Now they are let go of at once.
 *
 * The stops of that wait were called one after another: a stop that threw (the same closed client)
 * skipped the ones after it, and the request failed with the stop's error instead of the
 * subscription's — or, when the owner's reply came, never settled at all. Each is now stopped quietly.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobProvider } from '../../server/lib/providers/types'
import { wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

describe('a forwarded control whose wait cannot be set up', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each(['subscribeControlReply', 'subscribe'] as const)('%s throws: the request fails and nothing of its wait stays', async (call) => {
    const backend = createBackend()
    let throwing = false
    let replySubscriptions = 0
    const flaky = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, {
      subscribeControlReply: (...args: Parameters<NonNullable<JobProvider['subscribeControlReply']>>) => {
        if (throwing && call === 'subscribeControlReply') throw new Error('the subscription client is closed')
        const stop = provider.subscribeControlReply!(...args)
        replySubscriptions++
        return () => {
          replySubscriptions--
          stop()
        }
      },
      subscribe: (...args: Parameters<NonNullable<JobProvider['subscribe']>>) => {
        if (throwing && call === 'subscribe') throw new Error('the subscription client is closed')
        return provider.subscribe!(...args)
      },
    })
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: async (context) => {
      context.text('partial')
      await wait(600_000, context.signal)
    } })
    const b = createEngineNode(backend, { instanceId: 'B', config, wrap: flaky })
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(500)
    const timersBefore = b.engine.stats().engineTimers

    throwing = true
    await expect(b.engine.abortJob('u1', job.id)).rejects.toThrow('the subscription client is closed')
    expect(b.engine.stats().engineTimers).toBe(timersBefore)
    expect(replySubscriptions).toBe(0)
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })

  /** Two nodes, A running a job, B forwarding to it; B's reply subscriptions' stops throw, its log subscriptions are counted. */
  async function replyStopThrows(subscribeThrows: boolean) {
    const backend = createBackend()
    let logSubscriptions = 0
    const flaky = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, {
      subscribeControlReply: (...args: Parameters<NonNullable<JobProvider['subscribeControlReply']>>) => {
        const stop = provider.subscribeControlReply!(...args)
        return () => {
          stop()
          throw new Error('stop: the client is closed')
        }
      },
      subscribe: (...args: Parameters<NonNullable<JobProvider['subscribe']>>) => {
        if (subscribeThrows) throw new Error('the subscription client is closed')
        const stop = provider.subscribe!(...args)
        logSubscriptions++
        return () => {
          logSubscriptions--
          stop()
        }
      },
    })
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: async (context) => {
      context.text('partial')
      await wait(600_000, context.signal)
    } })
    const b = createEngineNode(backend, { instanceId: 'B', config, wrap: flaky })
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(500)
    const dispose = async () => {
      const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
      await vi.advanceTimersByTimeAsync(10_000)
      await disposed
    }
    return { a, b, job, dispose, logSubscriptions: () => logSubscriptions }
  }

  it('a stop that throws after the subscription threw: the request fails with the subscription\'s error', async () => {
    const { b, job, dispose } = await replyStopThrows(true)
    const timersBefore = b.engine.stats().engineTimers
    await expect(b.engine.abortJob('u1', job.id)).rejects.toThrow('the subscription client is closed')
    expect(b.engine.stats().engineTimers).toBe(timersBefore)
    await dispose()
  })

  it('a stop that throws when the owner replied: the request settles and the other subscriptions go', async () => {
    const { b, job, dispose, logSubscriptions } = await replyStopThrows(false)
    let outcome: string | null = null
    b.engine.abortJob('u1', job.id).then(() => (outcome = 'resolved'), (error: Error) => (outcome = error.message))
    await vi.advanceTimersByTimeAsync(2_000)
    expect(outcome).toBe('resolved')
    expect(logSubscriptions()).toBe(0)
    await dispose()
  })
})
