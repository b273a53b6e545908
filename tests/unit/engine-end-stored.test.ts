/**
 * A job's end is reported — to viewers, notifications and the jobEnded hook — only once the
 * provider stored it: a failing write is retried and the tail is never dropped, up to a bound. An
 * event too large for any write is stored shortened with a notice instead of blocking its log.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import { RETRY_BASE_DELAY_MS } from '../../server/lib/persist-queue'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'

/** A provider whose appends throw while `down` is true. */
function withOutage(provider: JobProvider) {
  const outage = { down: false, attempts: 0 }
  const wrapped: JobProvider = Object.assign(Object.create(provider) as JobProvider, {
    async appendEvents(...args: Parameters<JobProvider['appendEvents']>) {
      if (outage.down) {
        outage.attempts++
        throw new Error('store unreachable')
      }
      return await provider.appendEvents(...args)
    },
  })
  return { wrapped, outage }
}

/** An engine whose provider's appends fail while `outage.down` is true. */
function engineWithOutage(options: Omit<Parameters<typeof createTestEngine>[0], 'wrap'>) {
  let outage!: { down: boolean, attempts: number }
  const made = createTestEngine({
    ...options,
    wrap: (inner) => {
      const wrapped = withOutage(inner)
      outage = wrapped.outage
      return wrapped.wrapped
    },
  })
  return { ...made, outage }
}

describe('the end is reported once stored', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('holds job-end back from viewers, notifications and hooks while the store is down, then delivers it with the whole text', async () => {
    const ended: string[] = []
    const { engine, provider, outage } = engineWithOutage({
      hooks: { jobEnded: job => void ended.push(job.status) },
      runners: {
        async chat(context) {
          context.text('first ')
          await wait(100, context.signal)
          outage.down = true
          context.text('tail written during the outage')
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    const notes: string[] = []
    const detach = engine.attachNotifications('u1', { send: note => notes.push(note.type), comment() {}, close() {} }, null)
    await vi.advanceTimersByTimeAsync(2_000)
    expect(outage.attempts).toBeGreaterThan(1)
    expect(sink.frames.some(frame => frame.event === 'job-end')).toBe(false)
    expect(notes).not.toContain('job-end')
    expect(ended).toEqual([])
    expect((await engine.getJob('u1', job.id)).job.status).toBe('running')
    // The write-behind backlog an operator sees (engine_unpersisted_events): the tail text and the end.
    expect(engine.stats()).toMatchObject({ runs: 1, unpersistedEvents: 2 })

    outage.down = false
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 32)
    await engine.whenSettled(job.id)
    expect(sink.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
    expect(notes).toContain('job-end')
    expect(ended).toEqual(['completed'])
    const stored = await provider.getState(job.id)
    expect(stored).toMatchObject({ status: 'completed', content: 'first tail written during the outage' })
    expect(sink.state()!.content).toBe(stored!.content)
    detach()
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0, unpersistedEvents: 0 })
    await engine.dispose()
  })

  it('abort answers only once the aborted end is stored', async () => {
    const { engine, outage } = engineWithOutage({
      runners: { chat: context => wait(600_000, context.signal) },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    outage.down = true
    let answered: string | null = null
    void engine.abortJob('u1', job.id).then((summary) => {
      answered = summary.status
    })
    await vi.advanceTimersByTimeAsync(3_000)
    expect(answered).toBeNull()
    outage.down = false
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 32)
    expect(answered).toBe('aborted')
    await engine.dispose()
  })

  it('shutdown gives up on a store that stays down after a lease period, without hanging', async () => {
    const { engine, outage } = engineWithOutage({
      config: { lease: { durationMs: 2_000, heartbeatMs: 500 } },
      runners: { chat: context => wait(600_000, context.signal) },
    })
    await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    outage.down = true
    let disposed = false
    void engine.dispose().then(() => {
      disposed = true
    })
    await vi.advanceTimersByTimeAsync(2_500)
    expect(disposed).toBe(true)
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, engineTimers: 0 })
  })

  it('buffers a bounded amount: past persist.maxPendingBytes the job stops, failed store-unreachable, and nothing before is lost', async () => {
    const chunk = 'y'.repeat(100)
    const { engine, provider, outage } = engineWithOutage({
      config: { persist: { maxPendingBytes: 2_000 } },
      runners: {
        async chat(context) {
          for (;;) {
            context.text(chunk)
            await wait(100, context.signal)
          }
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(250)
    outage.down = true
    await vi.advanceTimersByTimeAsync(5_000)
    // Stopped once about 2 000 bytes waited (a chunk counts 100 + 64 bytes), not after the 50
    // chunks 5 s would bring; its end waits for the store.
    const seen = sink.state()!.content.length
    expect(seen).toBeGreaterThanOrEqual(12 * chunk.length)
    expect(seen).toBeLessThanOrEqual(20 * chunk.length)
    expect(sink.frames.some(frame => frame.event === 'job-end')).toBe(false)

    outage.down = false
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 32)
    await engine.whenSettled(job.id)
    const stored = await provider.getState(job.id)
    expect(stored).toMatchObject({ status: 'failed', error: { code: 'store-unreachable' } })
    expect(stored!.error!.message).toMatch(/more than persist\.maxPendingBytes \(2000\)/)
    expect(stored!.content).toBe(sink.state()!.content)
    expect(sink.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'failed' } })
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0 })
    await engine.dispose()
  })
})

describe('an event no write could hold', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  /** Runs `chat` on an engine whose provider stores at most 2 000 bytes per write. */
  async function runWithSmallWrites(chat: Parameters<typeof createTestEngine>[0]['runners']['chat']) {
    const { engine, provider } = createTestEngine({
      wrap: inner => Object.assign(Object.create(inner) as JobProvider, { maxBatchBytes: 2_000 }),
      runners: { chat },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    return { engine, provider, job }
  }

  it('commits it shortened, with a notice in place of its largest field: viewers and the store agree and the job goes on', async () => {
    const { engine, provider, job } = await runWithSmallWrites(async (context) => {
      context.text('before the big call ')
      context.emit({ type: 'tool-call', id: 'c1', name: 'dump', args: { blob: 'x'.repeat(5_000) }, step: 1 })
      context.text('and after it')
    })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    const state = await provider.getState(job.id)
    expect(state).toMatchObject({ status: 'completed', content: 'before the big call and after it' })
    expect(state!.toolCalls).toEqual([expect.objectContaining({ id: 'c1', name: 'dump', args: expect.stringMatching(/^\[truncated: 5\d{3} bytes, more than one stored event may hold \(2000 bytes\)\]$/) })])
    expect(sink.state()!.toolCalls).toEqual(state!.toolCalls)
  })

  it('ends the job failed with event-too-large when even its envelope is too large; the text so far is kept', async () => {
    const { engine, provider, job } = await runWithSmallWrites(async (context) => {
      context.text('before ')
      context.emit({ type: 'node-start', nodeId: 'n'.repeat(5_000), kind: 'agent' })
      context.text('never stored')
    })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    const state = await provider.getState(job.id)
    expect(state).toMatchObject({ status: 'failed', content: 'before ' })
    expect(state!.error).toMatchObject({ code: 'event-too-large' })
    expect(state!.error!.message).toMatch(/node-start event of \d+ bytes .*2000 bytes/)
  })
})
