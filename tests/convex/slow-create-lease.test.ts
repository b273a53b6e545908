/**
 * A job's lease runs from when the store took it, not from when the owner heard back: a create
 * whose reply comes late (a slow store, or an event loop held up by other work when the reply
 * arrived) leaves less of the lease than a whole period. The owner must not count its lease as
 * surely held for a whole period from the reply — past the store's expiry another instance may take
 * the job over, and then both would run it at once.
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

/** A runner that acts every 200 ms, each time only once its lease surely holds (as a tool would). */
function acting(instance: string, actions: Array<{ instance: string, at: number }>): JobRunners['chat'] {
  return async (context) => {
    for (let index = 0; index < 30; index++) {
      const confirming = context.confirmLease?.()
      if (confirming) await confirming
      actions.push({ instance, at: Date.now() })
      await wait(200, context.signal)
    }
  }
}

describe('a create whose reply comes late', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  // The reply comes with less than a heartbeat of the lease left, or after it ran out.
  it.each([2_500, 3_500])('reply %i ms late: the job never acts on two instances at once', async (replyDelayMs) => {
    const backend = createBackend()
    const actions: Array<{ instance: string, at: number }> = []
    const slowReply = (provider: JobProvider): JobProvider => ({
      ...provider,
      create: async (...args) => {
        const stored = await provider.create(...args)
        await wait(replyDelayMs)
        return stored
      },
    })
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: acting('A', actions), wrap: slowReply })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: acting('B', actions) })
    const started = Date.now()
    await Promise.all([a.engine.createJob('u1', { request: chat }), vi.advanceTimersByTimeAsync(replyDelayMs + 100)])
    await vi.advanceTimersByTimeAsync(6_000)
    const firstOnB = actions.find(action => action.instance === 'B')
    const lastOnA = actions.filter(action => action.instance === 'A').at(-1)
    const timeline = actions.map(action => `${action.instance}@${action.at - started}`).join(' ')
    if (firstOnB && lastOnA) expect(lastOnA.at, timeline).toBeLessThan(firstOnB.at)
    expect(actions.length, timeline).toBeGreaterThan(0)
    await a.engine.dispose()
    await b.engine.dispose()
  })
})
