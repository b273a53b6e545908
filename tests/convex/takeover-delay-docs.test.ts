/**
 * docs/ops.md, "Running N instances": when an instance dies, how long until another instance takes
 * its jobs over. A lease lapses `lease.durationMs` after its last renewal, and the other instances
 * look for lapsed leases once per `lease.heartbeatMs` (config.md: up to one heartbeat later, two
 * past the scanning instance's share). The page said "within `lease.durationMs` (15 s)": a job
 * whose lease lapsed just after a scan waits one more heartbeat (20 s by default, 25 s past the share).
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

/** An owner that dies right after its first lease renewal: from then on no call of it reaches the store. */
function diesAfterRenewal(died: { at: number | null }) {
  return (provider: JobProvider): JobProvider => new Proxy(provider, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (died.at !== null) return new Promise(() => {})
        const result = (value as (...args: unknown[]) => unknown).apply(target, args)
        if (key !== 'heartbeatLease') return result
        return (result as Promise<boolean>).then((renewed) => {
          if (renewed) died.at = Date.now()
          return renewed
        })
      }
    },
  })
}

describe('the time from an owner\'s death to the takeover of its job', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('passes lease.durationMs when the lease lapses just after a scan (here 4 s for a 3 s lease, 1 s heartbeat), and ops.md says so', async () => {
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

    const sentence = readFileSync(new URL('../../docs/ops.md', import.meta.url), 'utf8').split('- when an instance dies')[1]!.split('\n- ')[0]!
    expect(sentence).toMatch(/`lease\.durationMs`[^.]*`lease\.heartbeatMs`/)
    await b.engine.dispose()
  })
})
