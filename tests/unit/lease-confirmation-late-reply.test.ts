/**
 * A lease confirmation whose heartbeat reply comes late — the store was slow, or the event loop was
 * held up (a long synchronous tool of another job) while the reply waited in the socket. The store
 * renewed the lease when it took the heartbeat, so the lease lasts from the moment it was sent at
 * the latest: a `held` answer that arrives after that is over confirms nothing (another instance
 * may have taken the job over meanwhile). The owner asks again instead of going on.
 */
import { describe, expect, it } from 'vitest'
import { createLeaseConfirmation } from '../../server/lib/lease-confirmation'
import { createTimerSet } from '../../server/lib/timers'

const DURATION_MS = 3_000
const HEARTBEAT_MS = 1_000

function setup(answers: boolean[]) {
  let clock = 0
  const sent: number[] = []
  const pending: Array<(held: boolean) => void> = []
  let refused = 0
  const controller = new AbortController()
  const confirmation = createLeaseConfirmation({
    jobId: 'j1',
    lease: { instanceId: 'A', epoch: 1, expiresAt: 0 },
    durationMs: DURATION_MS,
    heartbeatMs: HEARTBEAT_MS,
    heartbeat: () => {
      sent.push(clock)
      const answer = answers.shift()
      // The first answer is held back (the test sends it); later ones come at once.
      if (sent.length === 1) return new Promise<boolean>(resolve => pending.push(resolve))
      return Promise.resolve(answer ?? true)
    },
    onRefused: async () => {
      refused++
      controller.abort(new Error('lost'))
    },
    onSucceeded: () => {},
    signal: controller.signal,
    timers: createTimerSet(),
    monotonicNow: () => clock,
  })
  return {
    confirmation,
    sent,
    refused: () => refused,
    setClock: (ms: number) => {
      clock = ms
    },
    answerFirst: (held: boolean) => pending.shift()!(held),
  }
}

describe('a lease confirmation answered late', () => {
  it('a held answer that comes after the lease it renewed ran out is not taken as confirmed: the owner asks again', async () => {
    const lease = setup([true, false])
    lease.setClock(2_500) // past the lease's sure part (3 s − 1 s): confirm asks the store
    const confirming = lease.confirmation.confirm()
    expect(confirming).not.toBeNull()
    const outcome = confirming!.then(() => 'confirmed', () => 'lost')
    // The reply waits while the event loop is held up past the whole renewed lease (2.5 s + 3 s).
    lease.setClock(6_000)
    lease.answerFirst(true)
    // Another instance took the job over meanwhile: the second heartbeat is refused.
    expect(await outcome).toBe('lost')
    expect(lease.sent).toEqual([2_500, 6_000])
    expect(lease.refused()).toBe(1)
  })

  it('a held answer that comes within the renewed lease confirms it at once', async () => {
    const lease = setup([true])
    lease.setClock(2_500)
    const confirming = lease.confirmation.confirm()!
    lease.setClock(3_000)
    lease.answerFirst(true)
    await expect(confirming).resolves.toBeUndefined()
    expect(lease.sent).toEqual([2_500])
    expect(lease.confirmation.holds()).toBe(true)
  })
})
