/**
 * A retention pass deletes in batches. When a later batch failed (the store went away mid-pass),
 * the jobs the earlier batches had already deleted were never counted in
 * `jobs_deleted_total{reason="retention"}`: they were gone from the store, and from the metric.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { CLEANUP_BATCH_SIZE, createEngineCleanup } from '../../server/lib/engine-cleanup'
import { useMetrics } from '../../server/lib/metrics'
import type { NotificationHub } from '../../server/lib/notifications'
import type { JobProvider } from '../../server/lib/providers/types'

describe('a retention pass whose later batch fails', () => {
  beforeEach(() => useMetrics().reset())
  afterEach(() => useMetrics().reset())

  it('counts the jobs its earlier batches deleted', async () => {
    const batches = [CLEANUP_BATCH_SIZE, CLEANUP_BATCH_SIZE]
    const provider = {
      deleteExpired: async () => {
        const count = batches.shift()
        if (count === undefined) throw new Error('the store went away')
        return count
      },
    } as unknown as JobProvider
    const cleanup = createEngineCleanup({
      provider,
      getConfig: () => resolveConfig({}),
      now: () => 1_000_000_000,
      notifications: { prune() {} } as unknown as NotificationHub,
      disposed: () => false,
    })
    await expect(cleanup()).rejects.toThrow('the store went away')
    expect(useMetrics().snapshot().counters['jobs_deleted_total{reason="retention"}']).toBe(2 * CLEANUP_BATCH_SIZE)
  })
})
