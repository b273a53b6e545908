/**
 * A job whose end is decided while a write of it keeps failing with an error that looks passing
 * (Convex's production `Server Error`) ends `failed` with `store-refused` after a few lease periods
 * in which the store answered other calls: what the store took kept, its end stored alone, viewers
 * told, slot and timers released (stuck-end-write.ts). Before, the write was retried every 5 s for
 * ever and the job never ended.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { instrumentProvider } from '../../server/lib/providers/instrument-provider'
import type { JobProvider } from '../../server/lib/providers/types'
import { createMetrics } from '../../server/lib/metrics'
import { STUCK_END_LEASE_PERIODS } from '../../server/lib/stuck-end-write'
import { chatRequest, createRecordingSink, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const LEASE_MS = 15_000

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
      runners: {
        async chat(context) {
          context.text('Hello ')
          await new Promise(resolve => setTimeout(resolve, 200))
          context.text('bad')
        },
      },
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
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    expect(lines.filter(line => line.message.includes('refused a write of the job for good'))).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ jobId: job.id, error: expect.objectContaining({ name: 'StuckWriteError' }) }) }),
    ])
    await engine.dispose()
  })
})
