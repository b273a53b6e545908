/**
 * A write that keeps failing with an error that looks passing (Convex's `Server Error`) once the
 * job's end waits behind it is given up after `stuckEnd.afterMs` while the store answers other calls
 * (stuck-end-write.ts): the queue says `failed`, `onFailed` gets a StoreRefusedError, and the end
 * is written alone. Before, it was retried every 5 s for ever. A store that answers nothing (an
 * outage) keeps it retried; so does a running job (persist.maxPendingBytes bounds that).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { createPersistQueue, RETRY_MAX_DELAY_MS } from '../../server/lib/persist-queue'
import type { PersistOutcome } from '../../server/lib/persist-queue'
import { isStoreRefusal } from '../../server/lib/providers/store-refused'
import type { AppendRefusal, AppendResult, JobProvider } from '../../server/lib/providers/types'
import { StuckWriteError } from '../../server/lib/stuck-end-write'
import { createTimerSet } from '../../server/lib/timers'
import { failingAppendStore } from '../support/failing-append-store'

const LEASE_MS = 15_000
const AFTER_MS = 3 * LEASE_MS
const text = (seq: number, offset: number, value: string): JobEvent => ({ type: 'text-delta', seq, at: 1, offset, text: value })
const end = (seq: number): JobEvent => ({ type: 'job-end', seq, at: 1, status: 'completed', metrics: emptyMetrics() })

/** A store whose every append holding `poisoned` text throws `Server Error`; the others land. */
function serverErrorStore(poisoned: string) {
  return failingAppendStore(events => events.some(event => event.type === 'text-delta' && event.text.includes(poisoned)) ? new Error('[Request ID: 1] Server Error') : undefined)
}

/**
 * A store whose appends holding `poisoned` text throw `Server Error` for `landAfterMs` from the
 * first; the next one is applied and throws all the same (its reply lost): the write the queue gives
 * up has landed. It stores `landed(events)`: the write itself, or what another instance wrote then.
 * A job with its end refuses every later append as `terminal`, as every provider does.
 */
function landingStore(poisoned: string, landAfterMs: number, landed: (events: JobEvent[]) => JobEvent[] = events => events) {
  const stored: JobEvent[] = []
  let failingSince: number | null = null
  const calls = { appends: 0, reads: 0 }
  const provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents'> = {
    async readEvents(_id, afterSeq) {
      calls.reads++
      return { events: stored.filter(event => event.seq > afterSeq), complete: true }
    },
    async appendEvents(_id, events): Promise<AppendResult> {
      calls.appends++
      const lastSeq = stored.at(-1)?.seq ?? 0
      if (stored.at(-1)?.type === 'job-end') return { ok: false, reason: 'terminal', lastSeq }
      if ((events[0]!.fromSeq ?? events[0]!.seq) !== lastSeq + 1) return { ok: false, reason: 'seq-conflict', lastSeq }
      if (events.some(event => event.type === 'text-delta' && event.text.includes(poisoned))) {
        failingSince ??= Date.now()
        if (Date.now() - failingSince >= landAfterMs) stored.push(...landed(events))
        throw new Error('[Request ID: 1] Server Error')
      }
      stored.push(...events)
      return { ok: true, lastSeq: events.at(-1)!.seq }
    },
  }
  return { provider, stored, calls }
}

/** The end written alone after a refusal (run-end.ts): `failed`, `store-refused`. */
const refusedEnd = (seq: number): JobEvent => ({ type: 'job-end', seq, at: 2, status: 'failed', error: { code: 'store-refused', message: 'refused' }, metrics: emptyMetrics() })

/** A queue whose store answers other calls while `answering` is set (a heartbeat per 5 s). */
function queueOver(provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents' | 'closeRefusedEnd'>) {
  const timers = createTimerSet()
  const failed: unknown[] = []
  const refusals: AppendRefusal[] = []
  const store = { answers: 0, answering: true }
  const heartbeat = setInterval(() => {
    if (store.answering) store.answers++
  }, 5_000)
  const queue = createPersistQueue({
    provider,
    jobId: 'job-1',
    timers,
    intervalMs: 0,
    bytes: 1024,
    onRefused: reason => refusals.push(reason),
    onError: () => {},
    onFailed: error => failed.push(error),
    stuckEnd: { afterMs: AFTER_MS, storeAnswers: () => store.answers, now: () => Date.now() },
  })
  return { queue, timers, failed, refusals, store, stop: () => clearInterval(heartbeat) }
}

/** Settles `promise` under the fake clock, advancing at most `ms`. */
async function outcomeWithin(promise: Promise<PersistOutcome>, ms: number): Promise<PersistOutcome | 'pending'> {
  let settled: PersistOutcome | 'pending' = 'pending'
  void promise.then(outcome => settled = outcome)
  for (let elapsed = 0; elapsed < ms && settled === 'pending'; elapsed += 1_000) await vi.advanceTimersByTimeAsync(1_000)
  return settled
}

describe('persist queue, a decided end behind a write that keeps failing', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('gives the write up after a few lease periods while the store answers, then stores the end alone', async () => {
    const { provider, stored, calls } = serverErrorStore('poison')
    const { queue, timers, failed, stop } = queueOver(provider)
    queue.push(text(1, 0, 'Hello '))
    expect(await queue.flush()).toBe('stored')
    queue.push(text(2, 6, 'poison'))
    queue.push(end(3))
    const flushed = queue.flush()
    // Not before the bound: still retried.
    expect(await outcomeWithin(flushed, AFTER_MS - RETRY_MAX_DELAY_MS)).toBe('pending')
    expect(await outcomeWithin(flushed, 2 * RETRY_MAX_DELAY_MS + 1_000)).toBe('failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toBeInstanceOf(StuckWriteError)
    expect(isStoreRefusal(failed[0])).toBe(true)
    expect((failed[0] as Error).message).not.toContain('poison')
    const callsAtGiveUp = calls()
    expect(await queue.storeEnd(end(3))).toBe('stored')
    expect(stored.map(event => [event.fromSeq, event.seq, event.type])).toEqual([[undefined, 1, 'text-delta'], [2, 3, 'job-end']])
    expect(calls()).toBe(callsAtGiveUp + 1)
    stop()
    queue.close()
    expect(timers.size).toBe(0)
  })

  it('takes the end of a write given up that had landed as the job\'s end, when the end alone is refused as terminal', async () => {
    const { provider, stored, calls } = landingStore('poison', AFTER_MS)
    const { queue, timers, failed, refusals, stop } = queueOver(provider)
    queue.push(text(1, 0, 'Hello '))
    expect(await queue.flush()).toBe('stored')
    queue.push(text(2, 6, 'poison'))
    queue.push(end(3))
    expect(await outcomeWithin(queue.flush(), AFTER_MS + 2 * RETRY_MAX_DELAY_MS)).toBe('failed')
    expect(failed).toEqual([expect.any(StuckWriteError)])
    // The write given up is in the store, its end with it.
    expect(stored.map(event => [event.seq, event.type])).toEqual([[1, 'text-delta'], [2, 'text-delta'], [3, 'job-end']])
    const { appends, reads } = calls
    // The end alone is refused as terminal; the end the store holds is read back: this queue's own.
    expect(await queue.storeEnd(refusedEnd(2))).toBe('stored')
    expect(queue.ownEndStored).toEqual(end(3))
    expect(refusals).toEqual([])
    expect({ appends: calls.appends - appends, reads: calls.reads - reads }).toEqual({ appends: 1, reads: 1 })
    expect(stored.map(event => event.seq)).toEqual([1, 2, 3])
    expect(queue.pendingCount).toBe(0)
    stop()
    queue.close()
    expect(timers.size).toBe(0)
  })

  it('still hands the job off when the end the store holds is another instance\'s, though at the same seq, status and time', async () => {
    // Another instance took the job over (epoch 2) and ended it as this one would have.
    const { provider, stored } = landingStore('poison', AFTER_MS, events => events.map(event => (event.type === 'job-end' ? { ...event, epoch: 2 } : event)))
    const { queue, timers, refusals, stop } = queueOver(provider)
    queue.push(text(1, 0, 'poison'))
    queue.push(end(2))
    expect(await outcomeWithin(queue.flush(), AFTER_MS + 2 * RETRY_MAX_DELAY_MS)).toBe('failed')
    expect(stored.at(-1)).toMatchObject({ type: 'job-end', seq: 2, epoch: 2 })
    expect(await queue.storeEnd(refusedEnd(1))).toBe('refused')
    expect(queue.ownEndStored).toBeNull()
    expect(refusals).toEqual(['terminal'])
    stop()
    queue.close()
    expect(timers.size).toBe(0)
  })

  it('takes the end alone as stored when its write, given up in turn, had landed and the close is refused as terminal', async () => {
    // The batch never lands; the end alone fails alike and then lands (its reply lost), and the
    // store has Redis's `closeRefusedEnd`, which refuses a job with its end as `terminal`.
    const stored: JobEvent[] = []
    const failingSince = new Map<boolean, number>()
    const provider: Pick<JobProvider, 'appendEvents' | 'readEvents' | 'closeRefusedEnd'> = {
      async readEvents(_id, afterSeq) {
        return { events: stored.filter(event => event.seq > afterSeq), complete: true }
      },
      async appendEvents(_id, events): Promise<AppendResult> {
        const lastSeq = stored.at(-1)?.seq ?? 0
        if (stored.at(-1)?.type === 'job-end') return { ok: false, reason: 'terminal', lastSeq }
        const alone = events.length === 1 && events[0]!.type === 'job-end'
        const since = failingSince.get(alone) ?? Date.now()
        failingSince.set(alone, since)
        if (alone && Date.now() - since >= AFTER_MS) stored.push(...events)
        throw new Error('[Request ID: 1] Server Error')
      },
      async closeRefusedEnd() {
        return { ok: false, reason: 'terminal', lastSeq: stored.at(-1)?.seq ?? 0 }
      },
    }
    const { queue, timers, failed, refusals, stop } = queueOver(provider)
    queue.push(text(1, 0, 'poison'))
    queue.push(end(2))
    expect(await outcomeWithin(queue.flush(), AFTER_MS + 2 * RETRY_MAX_DELAY_MS)).toBe('failed')
    expect(await outcomeWithin(queue.storeEnd(refusedEnd(1)), AFTER_MS + 2 * RETRY_MAX_DELAY_MS)).toBe('stored')
    expect(failed).toEqual([expect.any(StuckWriteError)])
    expect(stored).toEqual([refusedEnd(1)])
    expect(queue.ownEndStored).toEqual(refusedEnd(1))
    expect(queue.closedWithoutLog).toBeNull()
    expect(refusals).toEqual([])
    stop()
    queue.close()
    expect(timers.size).toBe(0)
  })

  it('keeps retrying while the store answers nothing (an outage), and while the job runs', async () => {
    const { provider } = serverErrorStore('poison')
    const down = queueOver(provider)
    down.store.answering = false
    down.queue.push(text(1, 0, 'poison'))
    down.queue.push(end(2))
    expect(await outcomeWithin(down.queue.flush(), 10 * AFTER_MS)).toBe('pending')
    expect(down.failed).toEqual([])
    down.stop()
    down.queue.close()

    const running = queueOver(serverErrorStore('poison').provider)
    running.queue.push(text(1, 0, 'poison'))
    expect(await outcomeWithin(running.queue.flush(), 10 * AFTER_MS)).toBe('pending')
    expect(running.failed).toEqual([])
    running.stop()
    running.queue.close()
  })
})
