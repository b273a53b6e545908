/**
 * The provider contract suite, run on the Convex provider through convex-test: the real `convex/`
 * functions, in-process. Convex functions read the system clock, so the suite's time is fake timers.
 * Retention is internal to the deployment (its cron), so the suite's `deleteExpired` runs the
 * internal mutation the cron runs.
 */
import { describe, expect, it, vi } from 'vitest'
import { internal } from '../../convex/_generated/api'
import type { JobProvider } from '../../server/lib/providers/types'
import { defineProviderContract } from '../providers/contract'
import { createJob } from '../providers/contract-fixtures'
import { createBackend, createInstance } from './backend'

defineProviderContract('convex', async ({ now }) => {
  vi.useFakeTimers()
  vi.setSystemTime(now())
  const backend = createBackend()
  const { facade, provider } = createInstance(backend)
  const withCronCleanup: JobProvider = Object.create(provider, {
    deleteExpired: { value: async (endedBefore: number, limit?: number) => {
      const deleted = await backend.mutation(internal.cleanup.deleteExpired, { endedBefore, limit })
      // Convex re-runs the subscriptions after the cron's commit too; the facades only see their own.
      await facade.refresh()
      return deleted
    } },
  })
  return {
    provider: withCronCleanup,
    now: () => Date.now(),
    advanceTime: (ms) => {
      vi.setSystemTime(Date.now() + ms)
    },
    flush: () => facade.settled(),
    cleanup: async () => {
      vi.useRealTimers()
    },
  }
})

describe('convex provider beyond the contract', () => {
  it('refuses to create a second job with an id it holds', async () => {
    const { provider } = createInstance(createBackend())
    const job = await createJob(provider)
    await expect(provider.create({ ...job, userId: 'someone-else', idempotencyKey: null })).rejects.toThrow(/already exists/)
  })

  it('deletes nothing itself: retention belongs to the deployment', async () => {
    const { provider } = createInstance(createBackend())
    const job = await createJob(provider)
    expect(await provider.deleteExpired(Number.MAX_SAFE_INTEGER)).toBe(0)
    expect(await provider.get(job.id)).not.toBeNull()
  })
})
