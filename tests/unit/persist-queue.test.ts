/**
 * The write-behind queue never drops the tail: a write that throws is retried (backing off) until
 * it is stored, refused or the queue is closed, `flush` says which, batches stay under the
 * provider's byte limit, sizes are UTF-8 bytes, and waiting past a bound is reported once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { createPersistQueue, DELTA_ENVELOPE_BYTES, eventBytes, RETRY_BASE_DELAY_MS } from '../../server/lib/persist-queue'
import type { AppendResult, JobProvider } from '../../server/lib/providers/types'
import { createTimerSet } from '../../server/lib/timers'

const text = (seq: number, offset: number, value: string): JobEvent => ({ type: 'text-delta', seq, at: 1, offset, text: value })
const end = (seq: number): JobEvent => ({ type: 'job-end', seq, at: 1, status: 'completed', metrics: emptyMetrics() })

/** A provider whose next `failures` appends throw; records what was stored. */
function flakyProvider(options: { failures?: number, maxBatchBytes?: number, refuse?: boolean } = {}) {
  let failures = options.failures ?? 0
  const stored: JobEvent[][] = []
  const provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents'> = {
    maxBatchBytes: options.maxBatchBytes,
    async readEvents(_id, afterSeq) {
      return { events: stored.flat().filter(event => event.seq > afterSeq), complete: true }
    },
    async appendEvents(_id, events): Promise<AppendResult> {
      if (failures > 0) {
        failures--
        throw new Error('connection reset')
      }
      if (options.refuse) return { ok: false, reason: 'stale-epoch', lastSeq: 0 }
      stored.push(events)
      return { ok: true, lastSeq: events.at(-1)!.seq }
    },
  }
  return { provider, stored }
}

function queueOver(provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents'>, intervalMs = 500) {
  const timers = createTimerSet()
  const errors: unknown[] = []
  const refusals: string[] = []
  const queue = createPersistQueue({
    provider,
    jobId: 'job-1',
    timers,
    intervalMs,
    bytes: 1024,
    mergeDeltas: true,
    onRefused: reason => refusals.push(reason),
    onError: error => errors.push(error),
  })
  return { queue, timers, errors, refusals }
}

describe('persist queue', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('retries a failed write with backoff and stores the whole tail, job-end included, before flush resolves', async () => {
    const { provider, stored } = flakyProvider({ failures: 3 })
    const { queue, errors } = queueOver(provider)
    queue.push(text(1, 0, 'Hello'))
    queue.push(text(2, 5, ' world'))
    queue.push(end(3))
    let outcome: string | null = null
    void queue.flush().then((result) => {
      outcome = result
    })
    // 250, 500, 1000 ms of backoff: nothing is stored and flush waits meanwhile.
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 3)
    expect(outcome).toBeNull()
    expect(stored).toEqual([])
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 4)
    expect(outcome).toBe('stored')
    expect(errors).toHaveLength(3)
    expect(stored.flat().map(event => [event.type, event.seq])).toEqual([['text-delta', 2], ['job-end', 3]])
    expect(stored.flat()[0]).toMatchObject({ fromSeq: 1, text: 'Hello world' })
    expect(queue.pendingCount).toBe(0)
  })

  it('takes a retried batch whose first attempt landed (lost reply) as stored, not as a conflict', async () => {
    const stored: JobEvent[] = []
    let lostReplies = 1
    const provider: Pick<JobProvider, 'appendEvents' | 'readEvents'> = {
      async readEvents(_id, afterSeq) {
        return { events: stored.filter(event => event.seq > afterSeq), complete: true }
      },
      async appendEvents(_id, events) {
        const lastSeq = stored.at(-1)?.seq ?? 0
        if ((events[0]!.fromSeq ?? events[0]!.seq) !== lastSeq + 1) return { ok: false, reason: 'seq-conflict', lastSeq }
        stored.push(...events)
        if (lostReplies-- > 0) throw new Error('command timed out')
        return { ok: true, lastSeq: events.at(-1)!.seq }
      },
    }
    const { queue, refusals } = queueOver(provider, 0)
    queue.push(text(1, 0, 'a'))
    queue.push(end(2))
    const flushed = queue.flush()
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS)
    expect(await flushed).toBe('stored')
    expect(refusals).toEqual([])
    expect(stored.map(event => event.seq)).toEqual([1, 2])
  })

  it('keeps events pushed during the outage in order behind the failed batch', async () => {
    const { provider, stored } = flakyProvider({ failures: 1 })
    const { queue } = queueOver(provider, 0)
    queue.push(text(1, 0, 'a'))
    await vi.advanceTimersByTimeAsync(0)
    queue.push(text(2, 1, 'b'))
    queue.push(end(3))
    expect(await Promise.all([queue.flush(), vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS)]).then(([result]) => result)).toBe('stored')
    expect(stored.flat().map(event => event.seq)).toEqual([2, 3])
    expect(stored.flat()[0]).toMatchObject({ fromSeq: 1, text: 'ab' })
  })

  it('writes a boundary event pushed just as the previous write ends, without another push or a flush', async () => {
    // A tool call's approval: the call is written, and its question and the `waiting` status are
    // pushed a microtask or more later. Left pending, the store never had them while the job waited
    // (GET /api/jobs?status=waiting missed it; other instances did not see the question).
    const waiting = (seq: number): JobEvent => ({ type: 'job-status', seq, at: 1, status: 'waiting' })
    for (const intervalMs of [0, 500]) {
      for (let ticks = 0; ticks <= 6; ticks++) {
        const { provider, stored } = flakyProvider()
        const { queue } = queueOver(provider, intervalMs)
        queue.push(waiting(1))
        for (let tick = 0; tick < ticks; tick++) await Promise.resolve()
        queue.push(waiting(2))
        for (let tick = 0; tick < 20; tick++) await Promise.resolve()
        expect({ intervalMs, ticks, stored: stored.flat().map(event => event.seq) }).toEqual({ intervalMs, ticks, stored: [1, 2] })
        expect(queue.pendingCount).toBe(0)
      }
    }
  })

  it('splits what is pending into writes under the provider\'s maxBatchBytes', async () => {
    const big = 'x'.repeat(300)
    const { provider, stored } = flakyProvider({ maxBatchBytes: 1_000 })
    const { queue } = queueOver(provider)
    // Boundary events in between keep the deltas from merging; each is ~360 bytes.
    const events: JobEvent[] = []
    for (let index = 0; index < 6; index++) {
      events.push(index % 2 === 0 ? text(index + 1, index * 150, big) : { type: 'tool-call', seq: index + 1, at: 1, id: `c${index}`, name: 'echo', args: { big }, step: 1 })
    }
    for (const event of events) queue.push(event)
    expect(await queue.flush()).toBe('stored')
    for (const batch of stored) expect(batch.reduce((sum, event) => sum + eventBytes(event), 0)).toBeLessThanOrEqual(1_000)
    expect(stored.length).toBeGreaterThan(1)
    expect(stored.flat().map(event => event.seq)).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('measures sizes in UTF-8 bytes', () => {
    expect(eventBytes(text(1, 0, 'é€😀'))).toBe(2 + 3 + 4 + DELTA_ENVELOPE_BYTES)
    const call: JobEvent = { type: 'tool-call', seq: 1, at: 1, id: 'c', name: 'n', args: { city: 'Zürich' }, step: 1 }
    expect(eventBytes(call)).toBe(Buffer.byteLength(JSON.stringify(call)))
  })

  it('reports a refusal once and stops; close resolves a waiting flush as closed', async () => {
    const refusing = queueOver(flakyProvider({ refuse: true }).provider)
    refusing.queue.push(end(1))
    expect(await refusing.queue.flush()).toBe('refused')
    refusing.queue.push(end(2))
    expect(await refusing.queue.flush()).toBe('refused')
    expect(refusing.refusals).toEqual(['stale-epoch'])

    const down = queueOver(flakyProvider({ failures: 1_000 }).provider)
    down.queue.push(end(1))
    const flushed = down.queue.flush()
    await vi.advanceTimersByTimeAsync(30_000)
    down.queue.close()
    expect(await flushed).toBe('closed')
    expect(down.timers.size).toBe(0)
  })

  it('tells once when more than maxPendingBytes wait, and keeps every event', async () => {
    const { provider, stored } = flakyProvider({ failures: 1_000 })
    const overflows: number[] = []
    const queue = createPersistQueue({
      provider,
      jobId: 'job-1',
      timers: createTimerSet(),
      intervalMs: 0,
      bytes: 1024,
      maxPendingBytes: 500,
      onOverflow: bytes => overflows.push(bytes),
      onRefused: () => {},
      onError: () => {},
    })
    for (let seq = 1; seq <= 10; seq++) queue.push(text(seq, (seq - 1) * 100, 'z'.repeat(100)))
    await vi.advanceTimersByTimeAsync(10)
    expect(overflows).toEqual([4 * (100 + DELTA_ENVELOPE_BYTES)])
    expect(queue.pendingCount).toBe(10)
    expect(stored).toEqual([])
    queue.close()
  })
})
