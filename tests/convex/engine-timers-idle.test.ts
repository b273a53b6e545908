/**
 * `engine_engine_timers` on an idle instance. With a shared store (Redis, Convex) every engine
 * also runs its recovery scan (every `lease.heartbeatMs`, looking for jobs whose owner was lost)
 * from its start until shutdown: an idle instance that has run a job holds 2 engine timers, not
 * the 1 (the retention cleanup) the runbook, the metric's help and observability.md told an
 * operator to expect — an alert written from them fired on every healthy Redis or Convex instance.
 * architecture.md's list of the engine-wide timers left the recovery scan out too.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { ENGINE_GAUGE_HELP } from '../../server/lib/metric-help'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const docs = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8')

describe('engine timers on an idle instance', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('are 1 on memory and 2 on a shared store once a job has run, and the docs say which', async () => {
    const memory = createTestEngine({ runners: { chat: async context => context.text('done') } }).engine
    const shared = createEngineNode(createBackend(), { instanceId: 'A', config: resolveConfig({ scripted: { enabled: true } }) }).engine
    const idle: number[] = []
    for (const engine of [memory, shared]) {
      const { job } = await engine.createJob('u1', { request: chatRequest })
      await vi.advanceTimersByTimeAsync(1_000)
      await engine.whenSettled(job.id)
      idle.push(engine.stats().engineTimers)
    }
    expect(idle).toEqual([1, 2])
    await memory.dispose()
    const disposing = shared.dispose()
    await vi.advanceTimersByTimeAsync(60_000)
    await disposing

    // What an operator reads before writing the alert.
    const runbookRow = docs('runbook.md').split('\n').find(line => line.startsWith('| Memory grows'))!
    const observabilityRow = docs('observability.md').split('\n').find(line => line.startsWith('| what the engine keeps while idle'))!
    // architecture.md's "Resource hygiene" names the engine-wide timers for a reader of the design.
    const architecture = docs('architecture.md').replace(/\s+/g, ' ')
    const architectureTimers = architecture.slice(architecture.indexOf('Engine-wide timers'), architecture.indexOf('Engine-wide timers') + 400)
    for (const text of [ENGINE_GAUGE_HELP.engineTimers, runbookRow, observabilityRow, architectureTimers]) {
      expect(text).toMatch(/recovery scan/)
      expect(text).toMatch(/2 with (Redis or Convex|a shared store)/)
    }
  })
})
