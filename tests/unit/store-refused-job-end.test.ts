/**
 * A store that refuses a job's events for good by throwing (`StoreRefusedError`: a Redis
 * WRONGTYPE, a Convex validator after a deploy) ends the job `failed` with `store-refused`: what
 * it stored kept, its end stored alone right after it, viewers told, the slot and every timer
 * released, one log line — and the refused write is not sent again. It was retried for ever: the
 * job stayed `running`, its viewers waited, its user's slot stayed taken.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { StoreRefusedError } from '../../server/lib/providers/store-refused'
import type { JobProvider } from '../../server/lib/providers/types'
import { chatRequest, createRecordingSink, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** The provider, refusing for good every append that holds `refused` text (or every append once `all` is set). */
function refusingStore(refused: string) {
  const counts = { appends: 0, all: false, byJob: new Map<string, number>() }
  const holdsRefused = (events: JobEvent[]) => counts.all || events.some(event => event.type === 'text-delta' && event.text.includes(refused))
  const wrap = (provider: JobProvider): JobProvider => new Proxy(provider, {
    get(target, key, receiver) {
      if (key !== 'appendEvents') return Reflect.get(target, key, receiver)
      return async (...args: Parameters<JobProvider['appendEvents']>) => {
        counts.appends++
        counts.byJob.set(args[0], (counts.byJob.get(args[0]) ?? 0) + 1)
        if (holdsRefused(args[1])) throw new StoreRefusedError('test', `WRONGTYPE Operation against a key holding the wrong kind of value (job ${args[0]})`)
        return await target.appendEvents(...args)
      }
    },
  })
  return { wrap, counts }
}

const waitForAbort = (signal: AbortSignal) => new Promise<void>(resolve => signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve()))

describe('a job whose events the store refuses for good', () => {
  it('ends failed with store-refused mid-run: its stored text kept, its end stored alone, viewers told, slot and timers released, no retry loop', async () => {
    const store = refusingStore('bad')
    const { logger, lines } = recordingLogger()
    const { engine, provider } = createTestEngine({
      logger,
      wrap: store.wrap,
      config: { limits: { maxConcurrentJobsPerUser: 1 } },
      runners: {
        async chat(context) {
          context.text('Hello ')
          await new Promise(resolve => setTimeout(resolve, 200))
          context.text('bad')
          await new Promise(resolve => setTimeout(resolve, 200))
          context.text(' never stored')
          await waitForAbort(context.signal)
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)

    const stored = await provider.getState(job.id)
    expect(stored).toMatchObject({ status: 'failed', content: 'Hello ', error: { code: 'store-refused' } })
    expect(stored?.error?.message).not.toContain('WRONGTYPE')
    // The viewer got the terminal event and was closed.
    expect(sink.frames.filter(frame => frame.event === 'job-end')).toHaveLength(1)
    expect(sink.closed).toBe(true)
    // Nothing held: no run, no timer; the user's one slot is free again.
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    await expect(engine.createJob('u1', { request: chatRequest })).resolves.toMatchObject({ created: true })
    // Logged once, with the job id and the store's words.
    const refusedLines = lines.filter(line => line.message.includes('refused a write of the job for good'))
    expect(refusedLines).toHaveLength(1)
    expect(refusedLines[0]!.fields).toMatchObject({ jobId: job.id })
    // Not sent again: a minute later the refused job made no more appends.
    const appends = store.counts.byJob.get(job.id)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(store.counts.byJob.get(job.id)).toBe(appends)
    await engine.dispose()
  })

  it('an end already decided (completed) becomes store-refused, stored after the text the store took', async () => {
    const store = refusingStore('bad')
    const { engine, provider } = createTestEngine({
      wrap: store.wrap,
      runners: {
        async chat(context) {
          context.text('Hello ')
          await new Promise(resolve => setTimeout(resolve, 200))
          // The refused write is in flight as the runner returns: the `completed` end waits behind it.
          context.text('bad')
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)
    expect(await provider.getState(job.id)).toMatchObject({ status: 'failed', content: 'Hello ', error: { code: 'store-refused' } })
    expect((await engine.getJob('u1', job.id)).job.status).toBe('failed')
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    await engine.dispose()
  })

  it('an end the store refuses too ends the job on this instance only, logged once, no loop', async () => {
    const store = refusingStore('bad')
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({
      logger,
      wrap: store.wrap,
      runners: {
        async chat(context) {
          context.text('Hello ')
          await new Promise(resolve => setTimeout(resolve, 200))
          store.counts.all = true
          context.text('bad')
          await waitForAbort(context.signal)
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)
    expect(sink.frames.filter(frame => frame.event === 'job-end')).toHaveLength(1)
    expect(sink.closed).toBe(true)
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    expect(lines.filter(line => line.message.includes('refused the job\'s end too'))).toEqual([
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ jobId: job.id }) }),
    ])
    const appends = store.counts.appends
    await vi.advanceTimersByTimeAsync(60_000)
    expect(store.counts.appends).toBe(appends)
    await engine.dispose()
  })
})
