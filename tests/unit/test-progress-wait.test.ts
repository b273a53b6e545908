/**
 * The browser tests' wait for a job's end (tests/support/progress-wait.ts): a job that streams
 * slowly (a loaded machine) is waited for as long as its seq grows, however long that is in all;
 * a job that stopped fails after the budget, naming its status and seq. Under load a fixed 20 s
 * budget failed on jobs that were still streaming ("expected 'running' to be 'completed'").
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobProgress } from '../support/progress-wait'
import { waitForJobStatus } from '../support/progress-wait'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

/** A job that gains one event every `tickMs` and ends after `events` of them (never when `events` is Infinity). */
function slowJob(tickMs: number, events: number): () => Promise<JobProgress> {
  const startedAt = Date.now()
  return async () => {
    const seq = Math.min(events, Math.floor((Date.now() - startedAt) / tickMs))
    return { status: seq >= events ? 'completed' : 'running', seq }
  }
}

describe('waitForJobStatus', () => {
  it('waits for a job that keeps moving, far past the stall budget in all', async () => {
    // 600 events, one every 50 ms: 30 s in all, against a 1 s budget.
    const waited = waitForJobStatus(slowJob(50, 600), 'completed', 1_000)
    await vi.advanceTimersByTimeAsync(30_100)
    await expect(waited).resolves.toEqual({ status: 'completed', seq: 600 })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('fails once the job has not moved for the budget, naming its status and seq', async () => {
    // 10 events in the first 500 ms, then nothing more.
    const waited = waitForJobStatus(slowJob(50, 10), 'failed', 1_000)
    const outcome = expect(waited).rejects.toThrow('no progress for 1000 ms: waiting for the job to be failed; it is completed at seq 10')
    await vi.advanceTimersByTimeAsync(1_400)
    await expect(Promise.race([waited.then(() => 'settled', () => 'settled'), Promise.resolve('pending')])).resolves.toBe('pending')
    await vi.advanceTimersByTimeAsync(200)
    await outcome
  })

  it('fails a job that never moves after the budget', async () => {
    const waited = waitForJobStatus(async () => ({ status: 'queued', seq: 0 }), 'completed', 1_000)
    const outcome = expect(waited).rejects.toThrow('it is queued at seq 0')
    await vi.advanceTimersByTimeAsync(1_100)
    await outcome
  })

  it('resolves at once when the job already has the status', async () => {
    await expect(waitForJobStatus(async () => ({ status: 'completed', seq: 3 }), 'completed', 1_000)).resolves.toEqual({ status: 'completed', seq: 3 })
  })
})
