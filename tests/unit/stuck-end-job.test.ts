/**
 * A job whose end is decided while a write of it keeps failing with an error that looks passing
 * (Convex's production `Server Error`) ends `failed` with `store-refused` after a few lease periods
 * in which the store answered other calls: what the store took kept, its end stored alone, viewers
 * told, slot and timers released (stuck-end-write.ts). Before, the write was retried every 5 s for
 * ever and the job never ended. The write given up may have landed after all (only its reply was
 * lost): the end alone is then refused as `terminal`, and the job ends with the end it stored.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { instrumentProvider } from '../../server/lib/providers/instrument-provider'
import type { JobProvider } from '../../server/lib/providers/types'
import { createMetrics } from '../../server/lib/metrics'
import { STUCK_END_LEASE_PERIODS } from '../../server/lib/stuck-end-write'
import { useMetrics } from '../../server/lib/metrics'
import { chatRequest, createRecordingSink, createTestEngine } from '../support/engine-harness'
import { clientState } from '../support/client-view'
import { recordingLogger } from '../support/recording-logger'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const LEASE_MS = 15_000

const STUCK_MS = STUCK_END_LEASE_PERIODS * LEASE_MS

/** A chat that writes "Hello " and, a moment later, "bad" (the text the failing stores refuse). */
const HELLO_THEN_BAD: NonNullable<Parameters<typeof createTestEngine>[0]>['runners'] = {
  async chat(context) {
    context.text('Hello ')
    await new Promise(resolve => setTimeout(resolve, 200))
    context.text('bad')
  },
}

/**
 * An engine whose store throws `Server Error` on every append holding `bad` text; the first such
 * append `STUCK_MS` after the first is applied and throws all the same (its reply lost), as the
 * queue gives it up: the store holds `landed(events)` — that write, or another instance's end.
 * With `endAlone`, that batch never lands, and the end written alone after it is the write that
 * fails so and lands; the store then has Redis's `closeRefusedEnd`, which refuses a job with its
 * end as `terminal`. The job's runner writes 'Hello ', then 'bad', and ends.
 */
function landingEngine(landed: (events: JobEvent[]) => JobEvent[], options: { endAlone?: boolean } = {}) {
  const { logger, lines } = recordingLogger()
  const ended: string[] = []
  let instrumented!: JobProvider
  const failingSince = new Map<'batch' | 'end', number>()
  const poisoned = (events: JobEvent[]) => events.some(event => event.type === 'text-delta' && event.text.includes('bad'))
  const alone = (events: JobEvent[]) => options.endAlone === true && events.length === 1 && events[0]!.type === 'job-end'
  const test = createTestEngine({
    logger,
    config: { lease: { durationMs: LEASE_MS, heartbeatMs: 5_000 } },
    hooks: { jobEnded: job => void ended.push(job.status) },
    wrap: (memory) => {
      const landing = new Proxy(memory, {
        get(target, key, receiver) {
          if (key === 'closeRefusedEnd' && options.endAlone) {
            return async (id: string) => {
              const state = (await target.getState(id))!
              if (state.status === 'completed' || state.status === 'failed' || state.status === 'aborted') return { ok: false, reason: 'terminal', lastSeq: state.seq }
              throw new Error('not expected: the job has no end')
            }
          }
          if (key !== 'appendEvents') return Reflect.get(target, key, receiver)
          return async (...args: Parameters<JobProvider['appendEvents']>) => {
            const kind = alone(args[1]) ? 'end' : poisoned(args[1]) ? 'batch' : null
            if (!kind) return await target.appendEvents(...args)
            const since = failingSince.get(kind) ?? performance.now()
            failingSince.set(kind, since)
            const lands = options.endAlone ? kind === 'end' : kind === 'batch'
            if (lands && performance.now() - since >= STUCK_MS) await target.appendEvents(args[0], landed(args[1]), args[2])
            throw new Error('[Request ID: 1] Server Error')
          }
        },
      })
      return instrumented = instrumentProvider(landing, createMetrics())
    },
    runners: HELLO_THEN_BAD,
  })
  /** Runs a job with a viewer and the user's notifications until it settles (the store answering meanwhile). */
  async function runJob() {
    const { job } = await test.engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await test.engine.attachViewer('u1', job.id, sink, null)
    const notes: string[] = []
    const detach = test.engine.attachNotifications('u1', { send: note => notes.push(note.type), comment() {}, close() {} }, null)
    let settled = false
    void test.engine.whenSettled(job.id).then(() => settled = true)
    for (let elapsed = 0; elapsed < 3 * STUCK_MS && !settled; elapsed += 5_000) {
      await instrumented.countActive()
      await vi.advanceTimersByTimeAsync(5_000)
    }
    detach()
    return { job, sink, notes, settled }
  }
  return { ...test, lines, ended, runJob }
}

describe('a decided end behind a write that keeps failing while the store answers', () => {
  it('ends the job failed store-refused after a few lease periods, its end stored alone', async () => {
    const { logger, lines } = recordingLogger()
    let instrumented!: JobProvider
    const poisoned = (events: JobEvent[]) => events.some(event => event.type === 'text-delta' && event.text.includes('bad'))
    const { engine, provider } = createTestEngine({
      logger,
      config: { lease: { durationMs: LEASE_MS, heartbeatMs: 5_000 } },
      wrap: (memory) => {
        const failing = new Proxy(memory, {
          get(target, key, receiver) {
            if (key !== 'appendEvents') return Reflect.get(target, key, receiver)
            return async (...args: Parameters<JobProvider['appendEvents']>) => {
              if (poisoned(args[1])) throw new Error('[Request ID: 1] Server Error')
              return await target.appendEvents(...args)
            }
          },
        })
        return instrumented = instrumentProvider(failing, createMetrics())
      },
      runners: HELLO_THEN_BAD,
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    let settled = false
    void engine.whenSettled(job.id).then(() => settled = true)
    // The store answers this instance's other calls meanwhile (a heartbeat's worth every 5 s).
    for (let elapsed = 0; elapsed < (STUCK_END_LEASE_PERIODS + 1) * LEASE_MS && !settled; elapsed += 5_000) {
      await instrumented.countActive()
      await vi.advanceTimersByTimeAsync(5_000)
    }
    expect(settled).toBe(true)
    expect(await provider.getState(job.id)).toMatchObject({ status: 'failed', content: 'Hello ', error: { code: 'store-refused' } })
    expect(sink.frames.filter(frame => frame.event === 'job-end')).toHaveLength(1)
    expect(sink.closed).toBe(true)
    // The viewer was streamed 'bad', which the store never took: it ends on the stored text (decision 54).
    expect(clientState(sink.frames)).toMatchObject({ status: 'failed', content: 'Hello ', seq: (await provider.getState(job.id))!.seq })
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    expect(lines.filter(line => line.message.includes('refused a write of the job for good'))).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ jobId: job.id, error: expect.objectContaining({ name: 'StuckWriteError' }) }) }),
    ])
    await engine.dispose()
  })
  it('ends the job with the end it stored when the write given up had landed: viewers, notifications and hooks told once', async () => {
    const { engine, provider, lines, ended, runJob } = landingEngine(events => events)
    const handedOffBefore = useMetrics().snapshot().counters['runs_handed_off_total{cause="write-refused"}'] ?? 0
    const { job, sink, notes, settled } = await runJob()
    expect(settled).toBe(true)
    expect(await provider.getState(job.id)).toMatchObject({ status: 'completed', content: 'Hello bad' })
    // Before: the end alone refused as `terminal` was taken for another owner's; nobody here was told.
    expect(sink.frames.filter(frame => frame.event === 'job-end')).toEqual([expect.objectContaining({ data: expect.objectContaining({ status: 'completed' }) })])
    expect(sink.closed).toBe(true)
    expect(sink.state()).toMatchObject({ status: 'completed', content: 'Hello bad' })
    expect(notes.filter(note => note === 'job-end')).toHaveLength(1)
    expect(ended).toEqual(['completed'])
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    expect(lines.filter(line => line.message.includes('had stored the write it was given up on'))).toEqual([
      expect.objectContaining({ fields: { jobId: job.id, status: 'completed' } }),
    ])
    // Before: 'the job store refused a write of the job for good; the job ends failed' came first,
    // logged when the write was given up — but the job ends with the end it stored, completed.
    expect(lines.filter(line => line.message.includes('refused a write of the job for good'))).toEqual([])
    expect(lines.some(line => line.message.includes('stopping the local run'))).toBe(false)
    expect(useMetrics().snapshot().counters['runs_handed_off_total{cause="write-refused"}'] ?? 0).toBe(handedOffBefore)
    await engine.dispose()
  })

  it('still hands the job off when the end stored is another instance\'s (it took the job over)', async () => {
    const { engine, provider, lines, ended, runJob } = landingEngine(events => events.map(event => (event.type === 'job-end' ? { ...event, status: 'failed', error: { code: 'owner-lost', message: 'The server running this job stopped.' }, epoch: 2 } : event)))
    const handedOff = () => useMetrics().snapshot().counters['runs_handed_off_total{cause="write-refused"}'] ?? 0
    const before = handedOff()
    const { job, sink, settled } = await runJob()
    expect(settled).toBe(true)
    expect(await provider.getState(job.id)).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })
    // As before: this instance's end was not stored, so it is told to nobody here.
    expect(sink.frames.some(frame => frame.event === 'job-end')).toBe(false)
    expect(sink.closed).toBe(true)
    expect(ended).toEqual([])
    expect(handedOff()).toBe(before + 1)
    // Nor does it end failed here: the hand-off is logged ('stopping the local run'), not a refusal that ends it.
    expect(lines.filter(line => line.message.includes('refused a write of the job for good'))).toEqual([])
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    await engine.dispose()
  })
  it('ends the job with the end alone it stored when that write, given up in turn, had landed and the close is refused as terminal (Redis)', async () => {
    const { engine, provider, lines, ended, runJob } = landingEngine(events => events, { endAlone: true })
    const handedOffBefore = useMetrics().snapshot().counters['runs_handed_off_total{cause="write-refused"}'] ?? 0
    const { job, sink, notes, settled } = await runJob()
    expect(settled).toBe(true)
    expect(await provider.getState(job.id)).toMatchObject({ status: 'failed', content: 'Hello ', error: { code: 'store-refused' } })
    // Before: `closeRefusedEnd` refused as terminal was taken for a hand-off; nobody here was told.
    expect(sink.frames.filter(frame => frame.event === 'job-end')).toEqual([expect.objectContaining({ data: expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 'store-refused' }) }) })])
    expect(sink.closed).toBe(true)
    // The end alone stored covers the seqs of 'bad' the store never took: the viewer is brought back to 'Hello '.
    expect(clientState(sink.frames)).toMatchObject({ status: 'failed', content: 'Hello ', seq: (await provider.getState(job.id))!.seq })
    expect(notes.filter(note => note === 'job-end')).toHaveLength(1)
    expect(ended).toEqual(['failed'])
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    // The job does end refused (the end alone it stored says so): the refusal is logged once, before the end stored.
    const refusedAt = lines.findIndex(line => line.message.includes('refused a write of the job for good'))
    expect(lines.filter(line => line.message.includes('refused a write of the job for good'))).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ jobId: job.id, error: expect.objectContaining({ name: 'StuckWriteError' }) }) }),
    ])
    expect(refusedAt).toBeLessThan(lines.findIndex(line => line.message.includes('had stored the write it was given up on')))
    expect(lines.filter(line => line.message.includes('had stored the write it was given up on'))).toHaveLength(1)
    expect(useMetrics().snapshot().counters['runs_handed_off_total{cause="write-refused"}'] ?? 0).toBe(handedOffBefore)
    await engine.dispose()
  })
})
