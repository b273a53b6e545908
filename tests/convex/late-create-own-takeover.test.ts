/**
 * A create whose reply comes after the job's lease ran out, on an instance whose own recovery
 * scan took the job over meanwhile (it was not among its runs yet): the job keeps one run on that
 * instance — the taken-over one — which stays counted, and is stopped by a shutdown. Before, the
 * late create started a second run under the same id, which replaced the first in the engine's
 * runs and, once stopped, removed it: the job ran on, uncounted, after `dispose`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import { wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const LEASE_MS = 3_000
const REPLY_DELAY_MS = 3_500
const config = resolveConfig({ scripted: { enabled: true }, recovery: { chat: 'continue' }, lease: { durationMs: LEASE_MS, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

describe('a create answered after the instance took its own job over', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('one run, counted, stopped by dispose', async () => {
    const actions: number[] = []
    let runsStarted = 0
    const acting: JobRunners['chat'] = async (context) => {
      runsStarted++
      for (let index = 0; index < 100; index++) {
        const confirming = context.confirmLease?.()
        if (confirming) await confirming
        actions.push(Date.now())
        await wait(200, context.signal)
      }
    }
    const a = createEngineNode(createBackend(), { instanceId: 'A', config, chat: acting, wrap: provider => ({
      ...provider,
      create: async (...args) => {
        const stored = await provider.create(...args)
        await wait(REPLY_DELAY_MS)
        return stored
      },
    }) })
    await Promise.all([a.engine.createJob('u1', { request: chat }), vi.advanceTimersByTimeAsync(REPLY_DELAY_MS + 100)])
    await vi.advanceTimersByTimeAsync(2_000)
    expect(runsStarted).toBe(1)
    expect(a.engine.stats()).toMatchObject({ runs: 1 })
    await a.engine.dispose()
    const actedBefore = actions.length
    await vi.advanceTimersByTimeAsync(5_000)
    expect(actions.length).toBe(actedBefore)
    expect(a.engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
  })
})
