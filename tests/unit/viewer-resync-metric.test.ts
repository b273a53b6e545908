/**
 * "Are viewers falling behind?" A viewer whose client stops reading past
 * `stream.viewerQueueBytes` loses frames and is caught up again (a resync). Nothing counted that:
 * `events_sent_total` counts the resync's frames like any others, so an operator could not tell a
 * slow network or a proxy that buffers from a quiet day. `viewer_resyncs_total` counts each one,
 * of a job running here and of one followed from another instance.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { resolveConfig } from '../../server/lib/config'
import { withKnownSeries } from '../../server/lib/metric-known-series'
import { createMetrics, useMetrics } from '../../server/lib/metrics'
import { NotificationHub } from '../../server/lib/notifications'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { createTimerSet } from '../../server/lib/timers'
import { createViewerHub } from '../../server/lib/viewer-hub'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'

/** Lets every pending promise callback and immediate run. */
const settle = () => new Promise(resolve => setImmediate(resolve))

const resyncs = () => useMetrics().snapshot().counters.viewer_resyncs_total ?? 0

afterEach(() => {
  vi.useRealTimers()
})

describe('viewer_resyncs_total', () => {
  it('counts each resync of a viewer of a job running here', async () => {
    vi.useFakeTimers()
    const { engine } = createTestEngine({
      runners: {
        chat: async (context) => {
          context.text('one ')
          await wait(1_000, context.signal)
          context.text('two')
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    const before = resyncs()
    sink.onResyncNeeded!(null)
    sink.onResyncNeeded!({ epoch: 1, seq: 1 })
    expect(resyncs() - before).toBe(2)
    await vi.advanceTimersByTimeAsync(1_100)
    await engine.whenSettled(job.id)
    expect(sink.state()).toMatchObject({ status: 'completed', content: 'one two' })
    await engine.dispose()
  })

  it('counts the resync of a viewer following a job that runs on another instance', async () => {
    const memory = createMemoryProvider()
    const { record } = await memory.create({ id: 'j1', userId: 'u1', type: 'chat', threadId: null, messageId: null, idempotencyKey: null, title: 't', request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, createdAt: 1, lease: null }, {})
    let seq = 0
    const append = (...payloads: Array<Record<string, unknown>>) => memory.appendEvents('j1', payloads.map(payload => ({ ...payload, seq: ++seq, at: 1 + seq }) as unknown as JobEvent))
    await append({ type: 'job-status', status: 'running' }, { type: 'text-delta', offset: 0, text: 'hello ' })
    const hub = createViewerHub({ provider: memory, runs: new Map(), timers: createTimerSet(), getConfig: () => resolveConfig({}), notifications: new NotificationHub(Date.now) })
    const sink = createRecordingSink()
    const attachment = await hub.attach({ ...record, status: 'running', lastSeq: 2 }, sink, null)
    const before = resyncs()
    sink.onResyncNeeded!(null)
    await settle()
    expect(resyncs() - before).toBe(1)
    attachment.detach()
  })

  it('is exported from the start, at 0 (rate() sees the first resync after a restart)', () => {
    expect(withKnownSeries(createMetrics().snapshot()).counters.viewer_resyncs_total).toBe(0)
  })
})
