/**
 * A write the store refuses for good (`LastingStoreError`: a batch past Convex's limits, an error
 * Redis raises for it) fails the same way at every attempt. It was retried, backing off, until the
 * job's time limit, and the job's end waited behind it. Now the queue stops at it: what was stored
 * stays, the rest is dropped, and the job's end is stored `failed` (`store-refused`) right after
 * the last event stored; a passing fault (any other error) is still retried.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { LastingStoreError } from '../../server/lib/errors'
import { createPersistQueue, STORE_REFUSED_MESSAGE } from '../../server/lib/persist-queue'
import type { AppendResult, JobProvider } from '../../server/lib/providers/types'
import { createTimerSet } from '../../server/lib/timers'
import { ConvexLimitError } from '../../server/lib/providers/convex-errors'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

const status = (seq: number): JobEvent => ({ type: 'job-status', seq, at: 1, status: 'running' })
const big = (seq: number): JobEvent => ({ type: 'text-delta', seq, at: 1, offset: 0, text: 'too big' })
const end = (seq: number): JobEvent => ({ type: 'job-end', seq, at: 2, status: 'completed', metrics: emptyMetrics() })

/** A store that refuses for good every batch holding a `too big` delta; records what it stored. */
function refusingStore() {
  const stored: JobEvent[] = []
  let calls = 0
  const provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents'> = {
    async readEvents(_id, afterSeq) {
      return { events: stored.filter(event => event.seq > afterSeq), complete: true }
    },
    async appendEvents(_id, events): Promise<AppendResult> {
      calls++
      if (events.some(event => event.type === 'text-delta' && event.text === 'too big')) throw new LastingStoreError('the batch passes a limit of the store')
      const expected = (stored.at(-1)?.seq ?? 0) + 1
      if (events[0]!.seq !== expected) return { ok: false, reason: 'seq-conflict', lastSeq: expected - 1 }
      stored.push(...events)
      return { ok: true, lastSeq: events.at(-1)!.seq }
    },
  }
  return { provider, stored, calls: () => calls }
}

function queueOver(provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents'>) {
  const timers = createTimerSet()
  const errors: unknown[] = []
  const lasting: unknown[] = []
  const queue = createPersistQueue({
    provider,
    jobId: 'job-1',
    timers,
    intervalMs: 0,
    bytes: 1024,
    onRefused: () => {},
    onError: error => errors.push(error),
    onLasting: error => lasting.push(error),
  })
  return { queue, timers, errors, lasting }
}

describe('a write the store refuses for good', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is not retried: the events after it are dropped and the end is stored failed after the last event stored', async () => {
    const store = refusingStore()
    const { queue, timers, errors, lasting } = queueOver(store.provider)
    queue.push(status(1))
    expect(await queue.flush()).toBe('stored')
    queue.push(big(2))
    queue.push(status(3))
    // A flush of events that will never be stored says so; it does not wait for ever.
    expect(await queue.flush()).toBe('closed')
    expect(lasting).toHaveLength(1)
    expect(errors).toEqual([])
    queue.push(end(4))
    expect(await queue.flush()).toBe('stored')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(store.stored).toEqual([
      status(1),
      { type: 'job-end', seq: 2, at: 2, status: 'failed', error: { code: 'store-refused', message: STORE_REFUSED_MESSAGE, failedDuring: 'engine' }, metrics: emptyMetrics() },
    ])
    // The first write, the refused one, the end: no retry.
    expect(store.calls()).toBe(3)
    timers.clearAll()
  })

  it('stores an end already waiting behind the refused batch as failed, and resolves the flush waiting for it', async () => {
    const store = refusingStore()
    const { queue, timers, lasting } = queueOver(store.provider)
    queue.push(big(1))
    queue.push(end(2))
    expect(await queue.flush()).toBe('stored')
    expect(lasting).toHaveLength(1)
    expect(store.stored).toEqual([
      { type: 'job-end', seq: 1, at: 2, status: 'failed', error: { code: 'store-refused', message: STORE_REFUSED_MESSAGE, failedDuring: 'engine' }, metrics: emptyMetrics() },
    ])
    timers.clearAll()
  })

  it('leaves a passing fault retried as before', async () => {
    let failures = 2
    const stored: JobEvent[] = []
    const { queue, timers, errors, lasting } = queueOver({
      async readEvents() {
        return { events: [], complete: true }
      },
      async appendEvents(_id, events) {
        if (failures-- > 0) throw new Error('connection reset')
        stored.push(...events)
        return { ok: true, lastSeq: events.at(-1)!.seq }
      },
    })
    queue.push(status(1))
    const flushed = queue.flush()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(await flushed).toBe('stored')
    expect(stored).toEqual([status(1)])
    expect(errors).toHaveLength(2)
    expect(lasting).toEqual([])
    timers.clearAll()
  })
})

describe('a job whose events the store refuses for good', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ends failed at once with the content stored before, logging one line, not a line per retry until its time limit', async () => {
    let refusals = 0
    const { logger, lines } = recordingLogger()
    const { engine, provider } = createTestEngine({
      logger,
      wrap: inner => Object.assign(Object.create(inner), {
        async appendEvents(...args: Parameters<JobProvider['appendEvents']>) {
          if (args[1].some(event => event.type === 'text-delta' && event.text.includes('huge'))) {
            refusals++
            throw new ConvexLimitError('jobs:append', 'Value is too large')
          }
          return await inner.appendEvents(...args)
        },
      }) as JobProvider,
      runners: {
        async chat(context) {
          context.text('kept ')
          await wait(100, context.signal)
          context.text('huge')
          await wait(100, context.signal)
          context.text(' more')
          await wait(100_000, context.signal)
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(1_000)
    const state = await provider.getState(job.id)
    expect(state?.status).toBe('failed')
    expect(state?.error).toEqual({ code: 'store-refused', message: STORE_REFUSED_MESSAGE, failedDuring: 'engine' })
    expect(state?.content).toBe('kept ')
    expect(refusals).toBe(1)
    const storeLines = lines.filter(line => /store|provider write/.test(line.message))
    expect(storeLines.map(line => [line.level, line.message, line.fields?.jobId])).toEqual([
      ['error', 'the job store refused this job\'s events for good; the job ends failed with what was stored', job.id],
    ])
    await engine.dispose()
  })
})
