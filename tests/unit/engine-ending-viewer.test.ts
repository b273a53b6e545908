/**
 * A viewer that arrives while the owner's run is ending — its `job-end` numbered and waiting for
 * a store that is down — is attached from memory like one that arrived a moment earlier: the
 * catch-up without the unstored end, then the end once it is stored (once), and the stream closes.
 * A read answers the last active status meanwhile. When the run is stopped instead (shutdown while
 * the store stays down), the viewer is closed so it reconnects; nothing stays behind.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { RETRY_BASE_DELAY_MS } from '../../server/lib/persist-queue'
import type { RecordingSink } from '../support/engine-harness'
import { chatRequest, createRecordingSink } from '../support/engine-harness'
import { engineWithOutage } from '../support/provider-outage'

const WHOLE = 'part 0 part 1 part 2 '


const endFrames = (sink: RecordingSink) => sink.frames.filter(frame => frame.event === 'job-end')
const textOf = (sink: RecordingSink) => sink.textEvents().map(event => (event as JobEvent & { text: string }).text).join('')

describe('a viewer that arrives while the run\'s end waits for the store', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('gets the catch-up without the end from memory, then the end once stored, once; a read answers running meanwhile', async () => {
    const { engine, provider, outage } = engineWithOutage(3)
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const first = createRecordingSink()
    await engine.attachViewer('u1', job.id, first, null)
    await vi.advanceTimersByTimeAsync(50)
    // What a client that reloads would resume from: it has `part 0 ` only.
    const seen = first.frames.at(-1)!.id
    expect(first.state()!.content).toBe('part 0 ')
    outage.down = true
    // The runner returns at 300 ms: its end is numbered, and waits for the store.
    await vi.advanceTimersByTimeAsync(400)
    expect(first.state()!.content).toBe(WHOLE)
    expect(endFrames(first)).toEqual([])
    expect(engine.stats().runs).toBe(1)

    const fresh = createRecordingSink()
    const freshAttachment = await engine.attachViewer('u1', job.id, fresh, null)
    const resumed = createRecordingSink()
    await engine.attachViewer('u1', job.id, resumed, seen)
    const read = await engine.getJob('u1', job.id)
    // Served from memory: the only store calls are the run's own retried writes.
    expect(outage.calls.filter(call => call !== 'appendEvents')).toEqual([])
    // Another user's ask goes to the store, as for a missing job (other-user-job-path.test.ts).
    await expect(engine.attachViewer('u2', job.id, createRecordingSink(), null)).rejects.toBeInstanceOf(ProviderUnavailableError)
    await expect(engine.getJob('u2', job.id)).rejects.toBeInstanceOf(ProviderUnavailableError)
    expect(freshAttachment.open).toBe(true)
    // The catch-up holds the whole text but not the unstored end; a read shows the last active status.
    expect(fresh.frames).toHaveLength(1)
    expect(fresh.frames[0]).toMatchObject({ event: 'snapshot', data: { status: 'running', content: WHOLE } })
    expect(resumed.frames.some(frame => frame.event === 'snapshot')).toBe(false)
    expect(textOf(resumed)).toBe('part 1 part 2 ')
    expect(endFrames(resumed)).toEqual([])
    expect(read.job.status).toBe('running')
    expect(read.state).toMatchObject({ status: 'running', content: WHOLE })
    expect(read.state.endedAt ?? null).toBeNull()
    expect(engine.stats().viewers).toBe(3)

    // Still down a while later: nothing more reaches anyone, and nobody is closed.
    await vi.advanceTimersByTimeAsync(5_000)
    for (const viewer of [first, fresh, resumed]) {
      expect(endFrames(viewer)).toEqual([])
      expect(viewer.closed).toBe(false)
    }

    outage.down = false
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 32)
    await engine.whenSettled(job.id)
    expect(await provider.getState(job.id)).toMatchObject({ status: 'completed', content: WHOLE })
    for (const viewer of [first, fresh, resumed]) {
      // The end once, as the last frame; then the stream closed; no frame twice.
      expect(endFrames(viewer)).toHaveLength(1)
      expect(viewer.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
      expect(viewer.closed).toBe(true)
      const ids = viewer.frames.map(frame => frame.id)
      expect(ids).toEqual([...new Set(ids)].sort((left, right) => left - right))
    }
    for (const viewer of [first, fresh]) expect(viewer.state()).toMatchObject({ status: 'completed', content: WHOLE })
    // The resumed one had `part 0 ` already: together, the whole text once.
    expect(`part 0 ${textOf(resumed)}`).toBe(WHOLE)
    expect(fresh.frames.map(frame => frame.event)).toEqual(['snapshot', 'job-end'])
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, remoteFeeds: 0, jobTimers: 0 })
    await engine.dispose()
  })

  it('is closed without the end when the run is stopped instead (a shutdown while the store stays down): it reconnects, nothing stays behind', async () => {
    const { engine, config, outage } = engineWithOutage(3)
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(50)
    outage.down = true
    await vi.advanceTimersByTimeAsync(400)
    const late = createRecordingSink()
    const attachment = await engine.attachViewer('u1', job.id, late, null)
    expect(attachment.open).toBe(true)
    expect(late.frames[0]).toMatchObject({ event: 'snapshot', data: { status: 'running', content: WHOLE } })

    let disposed = false
    void engine.dispose().then(() => {
      disposed = true
    })
    // The shutdown gives up the unstored end after one lease period.
    await vi.advanceTimersByTimeAsync(config.lease.durationMs + RETRY_BASE_DELAY_MS * 32)
    expect(disposed).toBe(true)
    expect(late.closed).toBe(true)
    expect(endFrames(late)).toEqual([])
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, remoteFeeds: 0, jobTimers: 0 })
  })
})
