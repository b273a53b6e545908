/**
 * The per-user concurrency 429 reads as a sentence at every limit: at 1 it said "You already have
 * 1 jobs running … wait for one to finish".
 */
import { describe, expect, it } from 'vitest'
import { ConcurrencyLimitError } from '../../server/lib/errors'

describe('the per-user concurrency limit\'s message', () => {
  it('says "1 job … wait for it" at 1 and "N jobs … wait for one" above', () => {
    expect(new ConcurrencyLimitError('user', 1, 5).message).toBe('You already have 1 job running (limits.maxConcurrentJobsPerUser); wait for it to finish')
    expect(new ConcurrencyLimitError('user', 3, 5).message).toBe('You already have 3 jobs running (limits.maxConcurrentJobsPerUser); wait for one to finish')
  })
})
