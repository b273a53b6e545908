/**
 * The e2e tests' bounded wait (tests/support/within.ts): a wait whose event never comes fails
 * after its budget with a message naming what it waited for and what was seen, instead of the
 * test timing out with no clue (multi-instance e2e: a viewer waiting for a frame folded into its
 * snapshot hung for 60 s).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { within } from '../support/within'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('within', () => {
  it('resolves as the promise does before the budget, and leaves no timer behind', async () => {
    const waited = within(new Promise<string>(resolve => setTimeout(() => resolve('asked'), 900)), 1_000, () => 'the ask')
    await vi.advanceTimersByTimeAsync(900)
    await expect(waited).resolves.toBe('asked')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects once the budget is spent, naming what it waited for as seen at that moment', async () => {
    let seen = 'nothing'
    const waited = within(new Promise<never>(() => {}), 1_000, () => `the ask; got ${seen}`)
    const outcome = expect(waited).rejects.toThrow('not within 1000 ms: the ask; got a snapshot')
    await vi.advanceTimersByTimeAsync(999)
    seen = 'a snapshot'
    await vi.advanceTimersByTimeAsync(1)
    await outcome
  })

  it('passes on the promise\'s own rejection', async () => {
    await expect(within(Promise.reject(new Error('stream ended')), 1_000, () => 'the ask')).rejects.toThrow('stream ended')
  })
})
