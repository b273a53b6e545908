/**
 * "Is an instance unhealthy?" An instance whose lease heartbeats fail (a slow or partitioned link
 * to the store) loses its running jobs to the others. Only the instances that took them counted
 * anything (`lease_takeovers_total`), so no series said which instance was losing its jobs, nor
 * told that from a deploy's hand-offs. `runs_handed_off_total{cause}` counts them on the instance
 * that gave them up: `lease-lost` apart from `shutdown`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import { withKnownSeries } from '../../server/lib/metric-known-series'
import { createMetrics, useMetrics } from '../../server/lib/metrics'
import type { JobProvider } from '../../server/lib/providers/types'
import { wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, recovery: { chat: 'continue' }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

const endless: JobRunners['chat'] = async (context) => {
  for (;;) {
    context.text('word ')
    await wait(100, context.signal)
  }
}

const handedOff = () => Object.fromEntries(Object.entries(useMetrics().snapshot().counters).filter(([key]) => key.startsWith('runs_handed_off_total')))

describe('runs_handed_off_total', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => {
    useMetrics().reset()
    vi.useRealTimers()
  })

  it('counts a run given up because its lease was lost as lease-lost, once', async () => {
    // The store refuses every heartbeat: the lease is lost to another instance at the first one.
    const leaseLost = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => false })
    const a = createEngineNode(createBackend(), { instanceId: 'A', config, wrap: leaseLost, chat: endless })
    await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(1_500)
    expect(handedOff()).toEqual({ 'runs_handed_off_total{cause="lease-lost"}': 1 })
    const disposed = a.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
    expect(handedOff()).toEqual({ 'runs_handed_off_total{cause="lease-lost"}': 1 })
  })

  it('counts the runs a shutdown hands off as shutdown', async () => {
    const node = createEngineNode(createBackend(), { instanceId: 'A', config, chat: endless })
    for (let index = 0; index < 2; index++) await node.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(300)
    await node.engine.dispose()
    expect(handedOff()).toEqual({ 'runs_handed_off_total{cause="shutdown"}': 2 })
  })

  it('has every cause at 0 from the start', () => {
    expect(Object.keys(withKnownSeries(createMetrics().snapshot()).counters).filter(key => key.startsWith('runs_handed_off_total')).sort()).toEqual([
      'runs_handed_off_total{cause="end-refused"}',
      'runs_handed_off_total{cause="lease-lost"}',
      'runs_handed_off_total{cause="shutdown"}',
      'runs_handed_off_total{cause="write-refused"}',
    ])
  })
})
