/**
 * A write the store refuses for good by throwing (a `StoreRefusedError`: a Redis WRONGTYPE, a
 * Convex validator) is not retried: the queue drops what waits, says `failed` once, and writes the
 * job's end alone right after what the store holds, at its own seq, covering the seqs dropped
 * (`fromSeq`, `droppedFrom`). A passing fault is still retried.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { createPersistQueue, RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS } from '../../server/lib/persist-queue'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { StoreRefusedError } from '../../server/lib/providers/store-refused'
import type { AppendResult, JobProvider } from '../../server/lib/providers/types'
import { createTimerSet } from '../../server/lib/timers'
import { failingAppendStore } from '../support/failing-append-store'

const text = (seq: number, offset: number, value: string): JobEvent => ({ type: 'text-delta', seq, at: 1, offset, text: value })
const end = (seq: number, status: 'completed' | 'failed' = 'failed'): JobEvent => ({ type: 'job-end', seq, at: 1, status, metrics: emptyMetrics() })

/** A store that refuses for good every append holding an event `refuse` picks; counts every call. */
function refusingProvider(refuse: (event: JobEvent) => boolean) {
  return failingAppendStore(events => events.some(refuse) ? new StoreRefusedError('test', 'WRONGTYPE Operation against a key holding the wrong kind of value') : undefined)
}

function queueOver(provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents'>) {
  const timers = createTimerSet()
  const failed: unknown[] = []
  const errors: unknown[] = []
  const queue = createPersistQueue({
    provider,
    jobId: 'job-1',
    timers,
    intervalMs: 0,
    bytes: 1024,
    onRefused: () => {},
    onError: error => errors.push(error),
    onFailed: error => failed.push(error),
  })
  return { queue, timers, failed, errors }
}

describe('persist queue, a write refused for good', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is not retried: flush says failed, what waits is dropped, no timer is left, and the end goes alone after what is stored', async () => {
    // The second delta holds what the store refuses (a value its script rejects).
    const { provider, stored, calls } = refusingProvider(event => event.type === 'text-delta' && event.text === 'bad')
    const { queue, timers, failed, errors } = queueOver(provider)
    queue.push(text(1, 0, 'Hello'))
    queue.push(text(2, 5, 'bad'))
    queue.push(text(3, 8, ' more'))
    expect(await queue.flush()).toBe('failed')
    expect(failed).toHaveLength(1)
    expect(queue.refusal).toBe(failed[0])
    expect(errors).toEqual([])
    expect(queue.pendingCount).toBe(0)
    expect(timers.size).toBe(0)
    const callsAtFailure = calls()
    // A minute later nothing was sent again: no retry loop.
    await vi.advanceTimersByTimeAsync(60_000)
    expect(calls()).toBe(callsAtFailure)
    // Pushed after the failure (the run's own end, more text): not written.
    queue.push(text(4, 13, '!'))
    expect(await queue.flush()).toBe('failed')
    // The end alone, right after what the store holds: at its own seq (5, the one viewers were told),
    // covering the seqs the store never took (2-4), so no stored seq names text a viewer had otherwise.
    expect(await queue.storeEnd(end(5))).toBe('stored')
    expect(stored.map(event => [event.type, event.fromSeq, event.seq])).toEqual([['text-delta', undefined, 1], ['job-end', 2, 5]])
    expect(queue.droppedFrom).toBe(2)
    expect(timers.size).toBe(0)
    // Once only, and nothing after it.
    expect(await queue.storeEnd(end(5))).toBe('stored')
    queue.push(text(6, 14, 'late'))
    expect(await queue.flush()).toBe('stored')
    expect(stored).toHaveLength(2)
  })

  it('an end refused for good too says failed once, and tells nobody a second time', async () => {
    const { provider, stored, calls } = refusingProvider(() => true)
    const { queue, timers, failed } = queueOver(provider)
    queue.push(text(1, 0, 'Hello'))
    expect(await queue.flush()).toBe('failed')
    expect(await queue.storeEnd(end(2))).toBe('failed')
    expect(failed).toHaveLength(1)
    expect(calls()).toBe(2)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(calls()).toBe(2)
    expect(stored).toEqual([])
    expect(timers.size).toBe(0)
  })

  it('an end after a refused write that had stored part of itself goes after those events', async () => {
    // A provider that splits a write into calls: the first stored seq 1-2, the second was refused.
    const stored: JobEvent[] = []
    const provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents'> = {
      async readEvents() {
        return { events: stored, complete: true }
      },
      async appendEvents(_id, events): Promise<AppendResult> {
        const lastSeq = stored.at(-1)?.seq ?? 0
        if (events.some(event => event.seq === 3 && event.type !== 'job-end')) {
          stored.push(...events.filter(event => event.seq < 3))
          throw new StoreRefusedError('test', 'refused')
        }
        if ((events[0]!.fromSeq ?? events[0]!.seq) !== lastSeq + 1) return { ok: false, reason: 'seq-conflict', lastSeq }
        stored.push(...events)
        return { ok: true, lastSeq: events.at(-1)!.seq }
      },
    }
    const { queue } = queueOver(provider)
    queue.push({ type: 'step-start', seq: 1, at: 1, step: 0 })
    queue.push({ type: 'step-start', seq: 2, at: 1, step: 1 })
    queue.push({ type: 'step-start', seq: 3, at: 1, step: 2 })
    // Written as [1], then [2, 3]: the second write stores 2, then is refused at 3.
    expect(await queue.flush()).toBe('failed')
    expect(await queue.storeEnd(end(4))).toBe('stored')
    expect(stored.map(event => [event.type, event.fromSeq, event.seq])).toEqual([['step-start', undefined, 1], ['step-start', undefined, 2], ['job-end', 3, 4]])
    expect(queue.droppedFrom).toBe(3)
  })

  it('a passing fault is still retried with backoff until stored', async () => {
    let failures = 3
    const stored: JobEvent[] = []
    const provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents'> = {
      async readEvents() {
        return { events: stored, complete: true }
      },
      async appendEvents(_id, events): Promise<AppendResult> {
        if (failures-- > 0) throw new ProviderUnavailableError('redis', 'LOADING Redis is loading the dataset in memory', 5)
        stored.push(...events)
        return { ok: true, lastSeq: events.at(-1)!.seq }
      },
    }
    const { queue, failed, errors } = queueOver(provider)
    queue.push(text(1, 0, 'Hello'))
    queue.push(end(2, 'completed'))
    let outcome: string | null = null
    void queue.flush().then((result) => {
      outcome = result
    })
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 7 + RETRY_MAX_DELAY_MS)
    expect(outcome).toBe('stored')
    expect(errors).toHaveLength(3)
    expect(failed).toEqual([])
    expect(stored.map(event => event.seq)).toEqual([1, 2])
    // Before any failure: storeEnd writes nothing.
    expect(await queue.storeEnd(end(3))).toBe('stored')
    expect(stored).toHaveLength(2)
  })
})
