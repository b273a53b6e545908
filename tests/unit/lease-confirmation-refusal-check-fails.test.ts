/**
 * A lease confirmation whose heartbeat the store refuses, while the read that decides what the
 * refusal means (`onRefused`: is the job still there, who holds it?) fails — the store flaps or
 * times out between the two calls. That failure is the store's, not the run's: the owner keeps
 * asking, every heartbeat, as while the store cannot be reached, and starts nothing; the wait ends
 * as documented, with the run's abort reason once the refusal is decided. It was passed to the
 * waiting runner instead, which failed the job with the store's "retry shortly" 503 message as an
 * `internal-error` and stored that end — a job another instance would have taken over and resumed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createLeaseConfirmation } from '../../server/lib/lease-confirmation'
import { createTimerSet } from '../../server/lib/timers'

const DURATION_MS = 3_000
const HEARTBEAT_MS = 1_000

describe('a refused lease whose check fails', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('keeps asking instead of failing the run with the store error, then rejects with the abort reason', async () => {
    let clock = 0
    const heartbeats: number[] = []
    const checks: number[] = []
    const controller = new AbortController()
    const lost = new Error('lease lost to another instance')
    const timers = createTimerSet()
    const confirmation = createLeaseConfirmation({
      jobId: 'j1',
      lease: { instanceId: 'A', epoch: 1, expiresAt: 0 },
      durationMs: DURATION_MS,
      heartbeatMs: HEARTBEAT_MS,
      heartbeat: async () => {
        heartbeats.push(clock)
        return false
      },
      onRefused: async () => {
        checks.push(clock)
        // The first check cannot reach the store; the second one decides: the job is lost.
        if (checks.length === 1) throw new ProviderUnavailableError('redis', 'The job store (Redis) is unavailable; retry shortly', 5)
        controller.abort(lost)
      },
      onSucceeded: () => {},
      signal: controller.signal,
      timers,
      monotonicNow: () => clock,
    })
    clock = 5_000 // the owner comes back past its lease: confirm asks the store
    const outcome = confirmation.confirm()!.then(() => 'confirmed', (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(0)
    clock += HEARTBEAT_MS
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS)
    expect(await outcome).toBe(lost)
    expect(heartbeats).toEqual([5_000, 6_000])
    expect(checks).toEqual([5_000, 6_000])
    expect(timers.size).toBe(0)
  })
})
