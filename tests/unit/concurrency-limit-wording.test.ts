/**
 * The per-user concurrency 429 reads as a sentence at every limit: at 1 it said "You already have
 * 1 jobs running … wait for one to finish". A job waiting for the user's answer (a workflow's question,
 * a tool approval) holds its slot too, and the message says so: "running" alone sent users looking
 * for work they could not see.
 */
import { describe, expect, it } from 'vitest'
import { ConcurrencyLimitError } from '../../server/lib/errors'

describe('the per-user concurrency limit\'s message', () => {
  it('says "1 job … wait for it" at 1 and "N jobs … wait for one" above, and that waiting jobs count', () => {
    expect(new ConcurrencyLimitError('user', 1, 5).message).toBe('You already have 1 job running or waiting for an answer (limits.maxConcurrentJobsPerUser); wait for it to finish, or answer or stop it')
    expect(new ConcurrencyLimitError('user', 3, 5).message).toBe('You already have 3 jobs running or waiting for an answer (limits.maxConcurrentJobsPerUser); wait for one to finish, or answer or stop one')
  })
})
