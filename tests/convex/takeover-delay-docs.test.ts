/**
 * docs/instances.md, "Running N instances": when an instance dies, how long until another instance takes
 * its jobs over. A lease lapses `lease.durationMs` after its last renewal; the other instances look
 * for lapsed leases once per `lease.heartbeatMs`, and again right when the next lease lapses
 * (lapse-wake.ts). The page once said "within `lease.durationMs` (15 s)" while a job whose lease
 * lapsed just after a scan waited one more heartbeat; now the scan at the lapse takes it.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { diesAfterRenewal } from '../support/dies-after-renewal'

const config = resolveConfig({ lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('the time from an owner\'s death to the takeover of its job', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('passes lease.durationMs after the last renewal (the lease lapses then), and instances.md names both settings', async () => {
    const backend = createBackend()
    const b = createEngineNode(backend, { instanceId: 'B', config })
    await vi.advanceTimersByTimeAsync(1)
    const died = { at: null as number | null }
    const a = createEngineNode(backend, { instanceId: 'A', config, wrap: diesAfterRenewal(died) })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    let takenAt: number | null = null
    for (let step = 0; step < 1_000 && takenAt === null; step++) {
      await vi.advanceTimersByTimeAsync(10)
      if ((await b.provider.get(job.id))?.lease?.instanceId === 'B') takenAt = Date.now()
    }
    expect(died.at).not.toBeNull()
    const delay = takenAt! - died.at!
    expect(delay).toBeGreaterThan(config.lease.durationMs)
    expect(delay).toBeLessThanOrEqual(config.lease.durationMs + 2 * config.lease.heartbeatMs)

    const sentence = readFileSync(new URL('../../docs/instances.md', import.meta.url), 'utf8').split('- when an instance dies')[1]!.split('\n- ')[0]!
    expect(sentence).toMatch(/`lease\.durationMs`[^.]*`lease\.heartbeatMs`/)
    await b.engine.dispose()
  })
})
