/**
 * The provider contract suite, run on the Convex provider through convex-test: the real `convex/`
 * functions, in-process. Convex functions read the system clock, so the suite's time is fake timers.
 */
import { describe, expect, it, vi } from 'vitest'
import { defineProviderContract } from '../providers/contract'
import { createJob } from '../providers/contract-fixtures'
import { createBackend, createInstance } from './backend'

defineProviderContract('convex', async ({ now }) => {
  vi.useFakeTimers()
  vi.setSystemTime(now())
  const { facade, provider } = createInstance(createBackend())
  return {
    provider,
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
})
