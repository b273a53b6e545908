/**
 * A run whose job the store no longer has — a Redis restarted without its data, its keys evicted —
 * stops without writing its end (`stopping the local run without writing its end: the job is no
 * longer in the store`), and `runs_handed_off_total` counts it under `lease-lost` when its lease's
 * heartbeat found it so (a refused write counts it under `write-refused`). metrics.md said
 * `lease-lost` was a lapsed lease only, and its alert read any `lease-lost` as an instance that cannot
 * reach the store in time: seen for real on two instances behind one Redis restarted without
 * persistence, where the instance reached it fine. The row says both now. Code unchanged.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useMetrics } from '../../server/lib/metrics'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import { docSection } from '../support/docs-section'
import { recordingLogger } from '../support/recording-logger'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A store that loses every job when `lost.now` is set: its heartbeats refuse, its reads find nothing. */
function losing(provider: JobProvider, lost: { now: boolean }): JobProvider {
  return {
    ...provider,
    heartbeatLease: (...args) => lost.now ? Promise.resolve(false) : provider.heartbeatLease!(...args),
    get: id => lost.now ? Promise.resolve(null) : provider.get(id),
    ...(provider.getListed ? { getListed: (id: string) => lost.now ? Promise.resolve(null) : provider.getListed!(id) } : {}),
  }
}

it('a run whose job the store lost counts under lease-lost, as metrics.md says', async () => {
  const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
  const lost = { now: false }
  const { logger, lines } = recordingLogger()
  const engine = createSharedMemoryEngine({ provider: losing(sharedMemory(createMemoryProvider()), lost), instanceId: 'a', config, logger })
  const before = useMetrics().snapshot().counters['runs_handed_off_total{cause="lease-lost"}'] ?? 0
  await engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
  await vi.advanceTimersByTimeAsync(100)
  lost.now = true
  for (let step = 0; step < 100 && !lines.some(line => line.message.startsWith('stopping the local run')); step++) await vi.advanceTimersByTimeAsync(100)
  expect(lines.find(line => line.message.startsWith('stopping the local run'))).toMatchObject({ level: 'warn', message: 'stopping the local run without writing its end: the job is no longer in the store' })
  expect(useMetrics().snapshot().counters['runs_handed_off_total{cause="lease-lost"}']).toBe(before + 1)

  const row = docSection('metrics.md', 'Metrics').split('\n').find(line => line.startsWith('| `runs_handed_off_total{cause}`'))!
  const leaseLost = row.slice(row.indexOf('`lease-lost`'), row.indexOf('`write-refused`'))
  expect(leaseLost).toContain('the job is no longer in the store')
  await engine.dispose()
})
