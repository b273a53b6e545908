/**
 * The recovery scan through a store outage (the fault-injecting facade; time is fake): every scan
 * fails while Convex is unreachable (one per lease heartbeat), which logged two lines each time —
 * "could not read the cluster's load; taking over every lapsed job" (it could take over nothing)
 * and "recovery failed". Now one line when the streak starts and one when a scan works again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { Logger } from '../../server/lib/logger'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { createFaultyFacade, type FaultyFacade } from './fault-facade'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const TIMEOUT_MS = 1_000

describe('recovery scans through a Convex outage', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(1_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('log once when they start failing and once when one works again, not twice a scan', async () => {
    const lines: string[] = []
    const logger: Logger = {
      info: message => lines.push(`info: ${message}`),
      warn: message => lines.push(`warn: ${message}`),
      error: message => lines.push(`error: ${message}`),
    }
    let faulty!: FaultyFacade
    const config = resolveConfig({ scripted: { enabled: true }, convexTimeoutMs: TIMEOUT_MS })
    const node = createEngineNode(createBackend(), { instanceId: 'A', config, chat: async () => {}, timeoutMs: TIMEOUT_MS, logger, wrapFacade: facade => (faulty = createFaultyFacade(facade)) })
    expect(await node.engine.recover()).toBe(0)
    faulty.disconnect()
    for (let scan = 0; scan < 5; scan++) {
      const scanned = node.engine.recover()
      await vi.advanceTimersByTimeAsync(TIMEOUT_MS * 3)
      expect(await scanned).toBe(0)
    }
    const scanLines = () => lines.filter(line => /recovery|cluster's load/.test(line))
    expect(scanLines()).toEqual(['error: recovery scan failed; it runs again every lease heartbeat (not logged again until one succeeds)'])
    await faulty.reconnect()
    const again = node.engine.recover()
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
    expect(await again).toBe(0)
    expect(scanLines()).toEqual([
      'error: recovery scan failed; it runs again every lease heartbeat (not logged again until one succeeds)',
      'info: recovery scan succeeded again',
    ])
    await node.engine.dispose()
  })
})
