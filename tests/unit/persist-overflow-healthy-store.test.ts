/**
 * `persist.maxPendingBytes` bounds what waits for a store that does not take writes; a store that
 * takes every write is never "unreachable". An event larger than the bound (one merged text
 * window, a big tool result) is written at once like any other: the job must not end `failed`
 * with `store-unreachable` because of its size while nothing failed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { chatRequest, createTestEngine } from '../support/engine-harness'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('an event larger than persist.maxPendingBytes, with a healthy store', () => {
  it('is stored, and the job completes', async () => {
    const text = 'z'.repeat(5_000)
    const { engine, provider } = createTestEngine({
      config: { persist: { maxPendingBytes: 4_096 } },
      runners: {
        async chat(context) {
          context.text(text)
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)
    const stored = await provider.getState(job.id)
    expect(stored?.error ?? null).toBeNull()
    expect(stored).toMatchObject({ status: 'completed', content: text })
    await engine.dispose()
  })
})
