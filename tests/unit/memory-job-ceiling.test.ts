/**
 * The memory provider holds at most DEFAULT_MAX_JOBS jobs, and no setting raises it: a
 * `limits.maxConcurrentJobs` above it can never refuse with its 429. The first creation past the
 * ceiling gets the store's 503 instead, whose message must not send anyone to a setting that
 * does not exist.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configWarnings } from '../../server/lib/config-validate'
import { createMemoryProvider, DEFAULT_MAX_JOBS, ProviderFullError } from '../../server/lib/providers/memory'

describe('limits.maxConcurrentJobs above what the memory provider holds', () => {
  it('is warned about at boot with the memory provider only', () => {
    const above = { maxConcurrentJobs: DEFAULT_MAX_JOBS + 1 }
    expect(configWarnings(resolveConfig({ limits: above }))).toEqual([
      `backgroundJobs.limits.maxConcurrentJobs (NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS) (${DEFAULT_MAX_JOBS + 1}) is above the ${DEFAULT_MAX_JOBS} jobs the memory provider holds: with ${DEFAULT_MAX_JOBS} jobs active, a creation is refused with a 503 (the store is full), not this limit's 429; use the redis or convex provider for more`,
    ])
    expect(configWarnings(resolveConfig({ limits: { maxConcurrentJobs: DEFAULT_MAX_JOBS } }))).toEqual([])
    expect(configWarnings(resolveConfig({ provider: 'redis', limits: above }))).toEqual([])
  })

  it('the full store\'s refusal names no setting an operator cannot find', async () => {
    const provider = createMemoryProvider({ maxJobs: 1 })
    const job = (id: string) => ({ id, userId: 'u', type: 'chat' as const, threadId: null, messageId: null, idempotencyKey: null, title: 't', request: { type: 'chat' as const, messages: [] }, createdAt: 0, lease: null })
    await provider.create(job('a'), { maxActive: DEFAULT_MAX_JOBS + 1 })
    const refusal = await provider.create(job('b'), { maxActive: DEFAULT_MAX_JOBS + 1 }).catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(ProviderFullError)
    expect((refusal as Error).message).not.toMatch(/maxJobs/)
  })
})
