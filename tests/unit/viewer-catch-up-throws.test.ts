/**
 * A viewer whose sink throws while its catch-up is sent (a write on a socket destroyed while the
 * store was read, an app's sink with a bug). Only `deliver` guarded the send: a throw in the
 * catch-up of a followed job's attach left the viewer in the job's feed, never ready — every later
 * event queued in its backlog, the stream never closed, the store subscription kept until
 * shutdown — and a throw in a resync's catch-up left the viewer waiting the same way. Now the
 * viewer is closed and let go as after a throw in `deliver`, with the same one error line.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { resolveConfig } from '../../server/lib/config'
import { NotificationHub } from '../../server/lib/notifications'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { createTimerSet } from '../../server/lib/timers'
import { createViewerHub } from '../../server/lib/viewer-hub'
import type { RecordingSink } from '../support/engine-harness'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

/** Lets every pending promise callback and immediate run. */
const settle = () => new Promise(resolve => setImmediate(resolve))

const SEND_FAILED = { level: 'error', message: 'a viewer\'s stream threw on send; it was closed', fields: { jobId: expect.any(String), error: expect.any(Error) } }

/** A sink whose catch-up sends throw once its `on` is set. */
function failingSink(): RecordingSink & { on: boolean } {
  const sink = Object.assign(createRecordingSink(), { on: false })
  const send = sink.send.bind(sink)
  sink.send = (frame, options) => {
    if (sink.on && options?.catchUp) throw new Error('write after end')
    send(frame, options)
  }
  return sink
}

/** A hub following job j1, which another instance runs and writes. */
async function followedJob() {
  const memory = createMemoryProvider()
  const { record } = await memory.create({ id: 'j1', userId: 'u1', type: 'chat', threadId: null, messageId: null, idempotencyKey: null, title: 't', request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, createdAt: 1, lease: null }, {})
  let seq = 0
  const append = (...payloads: Array<Record<string, unknown>>) => memory.appendEvents('j1', payloads.map(payload => ({ ...payload, seq: ++seq, at: 1 + seq }) as unknown as JobEvent))
  await append({ type: 'job-status', status: 'running' }, { type: 'text-delta', offset: 0, text: 'hello ' })
  const timers = createTimerSet()
  const { logger, lines } = recordingLogger()
  const hub = createViewerHub({ provider: memory, runs: new Map(), timers, logger, getConfig: () => resolveConfig({}), notifications: new NotificationHub(Date.now) })
  const attach = (sink: RecordingSink) => hub.attach({ ...record, status: 'running', lastSeq: 2 }, sink, null)
  const held = () => ({ viewers: hub.count(), feeds: hub.remoteFeeds(), listeners: memory.stats().listeners, timers: timers.size })
  return { hub, append, attach, held, lines }
}

describe('a viewer whose catch-up send throws', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('at the attach to a followed job: is closed, and the feed and subscription let go', async () => {
    const { append, attach, held, lines } = await followedJob()
    const sink = failingSink()
    sink.on = true
    const attachment = await attach(sink)
    expect(sink.closed).toBe(true)
    expect(held()).toEqual({ viewers: 0, feeds: 0, listeners: 0, timers: 0 })
    expect(lines).toEqual([SEND_FAILED])
    // Later events of the job reach no one (nothing queued for a viewer that is gone).
    await append({ type: 'text-delta', offset: 6, text: 'world' })
    await settle()
    expect(held()).toEqual({ viewers: 0, feeds: 0, listeners: 0, timers: 0 })
    attachment.detach()
  })

  it('at a followed job\'s resync: is closed, and the feed and subscription let go', async () => {
    const { append, attach, held, lines } = await followedJob()
    const sink = failingSink()
    const attachment = await attach(sink)
    expect(held()).toMatchObject({ viewers: 1, feeds: 1 })
    sink.on = true
    sink.onResyncNeeded!({ epoch: 1, seq: 1 })
    await settle()
    expect(sink.closed).toBe(true)
    expect(held()).toEqual({ viewers: 0, feeds: 0, listeners: 0, timers: 0 })
    expect(lines).toEqual([SEND_FAILED])
    await append({ type: 'text-delta', offset: 6, text: 'world' })
    await settle()
    expect(held()).toEqual({ viewers: 0, feeds: 0, listeners: 0, timers: 0 })
    attachment.detach()
  })

  it('at a live job\'s resync: is closed and removed; the job and the other viewers go on', async () => {
    vi.useFakeTimers()
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({
      logger,
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
    const failing = failingSink()
    const other = createRecordingSink()
    await engine.attachViewer('u1', job.id, failing, null)
    await engine.attachViewer('u1', job.id, other, null)
    failing.on = true
    failing.onResyncNeeded!(null)
    expect(failing.closed).toBe(true)
    expect(engine.stats().viewers).toBe(1)
    expect(lines.filter(line => line.message.includes('threw on send'))).toEqual([{ ...SEND_FAILED, fields: { jobId: job.id, error: expect.any(Error) } }])
    await vi.advanceTimersByTimeAsync(1_100)
    await engine.whenSettled(job.id)
    expect(other.state()).toMatchObject({ status: 'completed', content: 'one two' })
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0 })
    await engine.dispose()
  })
})
