/**
 * The one heartbeat interval of the viewer hub: every viewer gets its ping at every beat, even
 * when another viewer's sink throws.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'

const HEARTBEAT_MS = 100

describe('viewer hub heartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a sink whose comment throws does not keep the ping from the viewers after it, and is logged once with its job', async () => {
    const errors: Array<[string, Record<string, unknown> | undefined]> = []
    const logger = { debug() {}, info() {}, warn() {}, error: (message: string, fields?: Record<string, unknown>) => errors.push([message, fields]) }
    const { engine } = createTestEngine({
      logger,
      config: { stream: { heartbeatMs: HEARTBEAT_MS } },
      runners: { chat: context => wait(60_000, context.signal) },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    // Attached first, so the beat reaches it first.
    const broken = createRecordingSink()
    broken.comment = () => {
      throw new Error('socket gone')
    }
    const healthy = createRecordingSink()
    await engine.attachViewer('u1', job.id, broken, null)
    await engine.attachViewer('u1', job.id, healthy, null)
    await vi.advanceTimersByTimeAsync(3 * HEARTBEAT_MS)
    expect(healthy.comments).toEqual(['ping', 'ping', 'ping'])
    // Said once, naming the job, not at every beat.
    expect(errors).toEqual([['heartbeat failed (not logged again for this stream)', { jobId: job.id, error: expect.any(Error) }]])
    await engine.abortJob('u1', job.id)
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)
  })
})
