import { describe, expect, it } from 'vitest'
import { internal } from '../../convex/_generated/api'
import { createMetrics } from '../../server/lib/metrics'
import { createConvexProvider } from '../../server/lib/providers/convex'
import type { JobProvider } from '../../server/lib/providers/types'
import type { JobEvent } from '../../shared/events'
import { createBackend, createInstance, endEvent, newJob, statusEvent, textDeltas, twoInstancesWithJob } from './backend'

/** Collects what a subscription delivers. */
function recorder() {
  const deliveries: JobEvent[][] = []
  return {
    deliveries,
    listener: (events: JobEvent[]) => deliveries.push(events),
    seqs: () => deliveries.flat().map(event => event.seq),
  }
}

describe('convex subscriptions', () => {
  it('delivers events written on one instance to a viewer on another, once and in order', async () => {
    const { a, b, job } = await twoInstancesWithJob()
    await a.provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })

    const viewer = recorder()
    b.provider.subscribe(job.id, viewer.listener)
    await b.facade.settled()
    await a.provider.appendEvents(job.id, textDeltas(2, ['Hel', 'lo']), { epoch: 1 })
    await a.provider.appendEvents(job.id, [...textDeltas(4, ['!'], 5), endEvent(5, 'completed')], { epoch: 1 })
    await b.facade.settled()

    // Events stored before the subscription started are not replayed; every later one arrives once.
    expect(viewer.deliveries.map(batch => batch.map(event => event.seq))).toEqual([[2, 3], [4, 5]])
    const text = viewer.deliveries.flat().flatMap(event => (event.type === 'text-delta' ? [event.text] : [])).join('')
    expect(text).toBe('Hello!')
  })

  it('tells a follower once when its job is no longer stored (deleted), and delivers nothing more', async () => {
    const { a, b, job, backend } = await twoInstancesWithJob()
    await a.provider.appendEvents(job.id, [statusEvent(1, 'running'), endEvent(2, 'completed', 1_000)], { epoch: 1 })
    const viewer = recorder()
    let gone = 0
    b.provider.subscribe(job.id, viewer.listener, { afterSeq: 0, onGone: () => gone++ })
    await b.facade.settled()
    expect(viewer.seqs()).toEqual([1, 2])
    expect(gone).toBe(0)
    await backend.mutation(internal.cleanup.deleteExpired, { endedBefore: 2_000 })
    // The retention cron runs outside the facades: any later commit makes them re-run their queries.
    await a.provider.takeRate('any-commit', 100, 60_000)
    await b.facade.settled()
    expect(gone).toBe(1)
    expect(viewer.seqs()).toEqual([1, 2])
  })

  it('catches up from a given seq, then follows the live tail', async () => {
    const { a, b, job } = await twoInstancesWithJob()
    await a.provider.appendEvents(job.id, textDeltas(1, ['a', 'b', 'c']), { epoch: 1 })

    const viewer = recorder()
    b.provider.subscribe(job.id, viewer.listener, { afterSeq: 1 })
    await b.facade.settled()
    expect(viewer.seqs()).toEqual([2, 3])
    await a.provider.appendEvents(job.id, textDeltas(4, ['d'], 3), { epoch: 1 })
    expect(viewer.seqs()).toEqual([2, 3, 4])
  })

  it('keeps delivering without loss or repeat across many batches (it subscribes afresh as the log grows)', async () => {
    const { a, b, job } = await twoInstancesWithJob()
    const viewer = recorder()
    b.provider.subscribe(job.id, viewer.listener, { afterSeq: 0 })
    const total = 50
    for (let seq = 1; seq <= total; seq++) await a.provider.appendEvents(job.id, textDeltas(seq, ['x'], seq - 1), { epoch: 1 })
    await b.facade.settled()
    expect(viewer.seqs()).toEqual(Array.from({ length: total }, (_, index) => index + 1))
  })

  it('catches up from afterSeq across many batches while the owner keeps writing, with no gap or repeat', async () => {
    const { a, b, job } = await twoInstancesWithJob()
    for (let seq = 1; seq <= 40; seq++) await a.provider.appendEvents(job.id, textDeltas(seq, ['x'], seq - 1), { epoch: 1 })

    const viewer = recorder()
    // Through the contract's type: the engine sees only `JobProvider`.
    const provider: JobProvider = b.provider
    provider.subscribe!(job.id, viewer.listener, { afterSeq: 7 })
    // Not awaited: these writes land while the subscription is still catching up.
    const writes = [41, 42, 43].map(seq => a.provider.appendEvents(job.id, textDeltas(seq, ['y'], seq - 1), { epoch: 1 }))
    await Promise.all(writes)
    await a.provider.appendEvents(job.id, [endEvent(44, 'completed')], { epoch: 1 })
    await b.facade.settled()
    expect(viewer.seqs()).toEqual(Array.from({ length: 44 - 7 }, (_, index) => index + 8))
  })

  it('treats a negative or garbage afterSeq as 0, and one at the last seq as "from now"', async () => {
    const backend = createBackend()
    const a = createInstance(backend)
    const job = newJob()
    await a.provider.create(job)
    await a.provider.appendEvents(job.id, textDeltas(1, ['a', 'b']), { epoch: 1 })
    const negative = recorder()
    const garbage = recorder()
    const atEnd = recorder()
    a.provider.subscribe(job.id, negative.listener, { afterSeq: -5 })
    a.provider.subscribe(job.id, garbage.listener, { afterSeq: Number.NaN })
    a.provider.subscribe(job.id, atEnd.listener, { afterSeq: 2 })
    await a.provider.appendEvents(job.id, textDeltas(3, ['c'], 2), { epoch: 1 })
    await a.facade.settled()
    expect(negative.seqs()).toEqual([1, 2, 3])
    expect(garbage.seqs()).toEqual([1, 2, 3])
    expect(atEnd.seqs()).toEqual([3])
  })

  it('stops delivering after unsubscribe and after dispose', async () => {
    const { a, b, job } = await twoInstancesWithJob()
    const first = recorder()
    const second = recorder()
    const unsubscribe = b.provider.subscribe(job.id, first.listener, { afterSeq: 0 })
    b.provider.subscribe(job.id, second.listener, { afterSeq: 0 })
    await a.provider.appendEvents(job.id, textDeltas(1, ['a']), { epoch: 1 })
    unsubscribe()
    await a.provider.appendEvents(job.id, textDeltas(2, ['b'], 1), { epoch: 1 })
    await b.provider.dispose()
    await a.provider.appendEvents(job.id, textDeltas(3, ['c'], 2), { epoch: 1 })
    await b.facade.settled()
    expect(first.seqs()).toEqual([1])
    expect(second.seqs()).toEqual([1, 2])
  })

  it('reports a throwing listener without stopping the writer or the subscription', async () => {
    const backend = createBackend()
    const a = createInstance(backend)
    const errors: unknown[] = []
    const b = createConvexProvider({ facade: createInstance(backend).facade, onError: error => errors.push(error) })
    const job = newJob()
    await a.provider.create(job)
    const seen: number[] = []
    b.subscribe(job.id, (events) => {
      seen.push(...events.map(event => event.seq))
      if (seen.length === 1) throw new Error('viewer broke')
    }, { afterSeq: 0 })
    expect(await a.provider.appendEvents(job.id, textDeltas(1, ['a']), { epoch: 1 })).toMatchObject({ ok: true })
    expect(await a.provider.appendEvents(job.id, textDeltas(2, ['b'], 1), { epoch: 1 })).toMatchObject({ ok: true })
    expect(seen).toEqual([1, 2])
    expect(errors).toHaveLength(1)
  })

  /** A job of `a` that `b` follows with a viewer and an owner's control listener, both throwing on what `a` then sends. */
  async function breakFollowers(a: ReturnType<typeof createInstance>, b: ReturnType<typeof createConvexProvider>) {
    const job = newJob()
    await a.provider.create(job)
    b.subscribe(job.id, () => {
      throw new Error('viewer broke')
    }, { afterSeq: 0 })
    b.subscribeControls(job.id, () => {
      throw new Error('owner broke')
    })
    await a.provider.appendEvents(job.id, textDeltas(1, ['a']), { epoch: 1 })
    await a.provider.sendControl(job.id, { type: 'abort', userId: job.userId })
    return job
  }

  it('counts each failure in subscription_failures_total{provider="convex"}: events and controls alike, before reporting it', async () => {
    const backend = createBackend()
    const a = createInstance(backend)
    const metrics = createMetrics()
    const failures = () => metrics.snapshot().counters['subscription_failures_total{provider="convex"}'] ?? 0
    const counted: number[] = []
    const b = createConvexProvider({ facade: createInstance(backend).facade, metrics, onError: () => counted.push(failures()) })
    const job = await breakFollowers(a, b)
    expect(failures()).toBe(2)
    expect(counted).toEqual([1, 2])
  })

  it('reports a failure with the id of the job it follows, so its log line names the job', async () => {
    const backend = createBackend()
    const a = createInstance(backend)
    const reported: unknown[] = []
    const b = createConvexProvider({ facade: createInstance(backend).facade, metrics: createMetrics(), onError: (_error, context) => reported.push(context) })
    const job = await breakFollowers(a, b)
    expect(reported).toEqual([{ jobId: job.id }, { jobId: job.id }])
  })
})
