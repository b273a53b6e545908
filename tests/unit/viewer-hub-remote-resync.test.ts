/**
 * A viewer that follows a job running on another instance, resynced (its client stopped draining
 * and lost frames) while the owner ends the job: the catch-up read from the store then holds the
 * `job-end`, and the stream must end with it — the viewer, its feed and the job's store
 * subscription let go — as after a first attach to an ended job.
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { resolveConfig } from '../../server/lib/config'
import { NotificationHub } from '../../server/lib/notifications'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import { createTimerSet } from '../../server/lib/timers'
import { createViewerHub } from '../../server/lib/viewer-hub'
import { createViewer, deliver, markReady } from '../../server/lib/viewer'
import { createRecordingSink } from '../support/engine-harness'

/** Lets every pending promise callback and immediate run. */
const settle = () => new Promise(resolve => setImmediate(resolve))

const metrics = { tool_call_count: 0, tool_execution_time_ms: 0, total_rounds: 1, tokens: { prompt: 0, completion: 0, total: 0 } }

async function followedJob() {
  const memory = createMemoryProvider()
  // A store with a round trip the test holds open: the read runs at the store once released.
  let gate: Promise<void> | null = null
  const provider: JobProvider = Object.assign(Object.create(memory) as JobProvider, {
    async readEvents(id: string, after: number) {
      if (gate) await gate
      return memory.readEvents(id, after)
    },
  })
  const { record } = await memory.create({ id: 'j1', userId: 'u1', type: 'chat', threadId: null, messageId: null, idempotencyKey: null, title: 't', request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, createdAt: 1, lease: null }, {})
  let seq = 0
  const event = (payload: Record<string, unknown>) => ({ ...payload, seq: ++seq, at: 1 + seq }) as unknown as JobEvent
  // Another instance runs the job and writes its log.
  const append = (...payloads: Array<Record<string, unknown>>) => memory.appendEvents('j1', payloads.map(event))
  await append({ type: 'job-status', status: 'running' }, { type: 'text-delta', offset: 0, text: 'hello ' })
  const timers = createTimerSet()
  const hub = createViewerHub({ provider, runs: new Map(), timers, getConfig: () => resolveConfig({}), notifications: new NotificationHub(Date.now) })
  const sink = createRecordingSink()
  const attachment = await hub.attach({ ...record, status: 'running', lastSeq: 2 }, sink, null)
  await append({ type: 'text-delta', offset: 6, text: 'world' })
  const holdReads = () => {
    let release!: () => void
    gate = new Promise<void>((resolve) => {
      release = () => {
        gate = null
        resolve()
      }
    })
    return release
  }
  return { memory, hub, timers, sink, attachment, append, holdReads }
}

describe('a followed job that ends during a viewer\'s resync', () => {
  it('ends the stream with the job-end of the catch-up and lets the viewer, feed and subscription go', async () => {
    const { memory, hub, timers, sink, attachment, append, holdReads } = await followedJob()
    expect(attachment.open).toBe(true)
    expect(sink.frames.map(frame => frame.event)).toEqual(['snapshot', 'text-delta'])
    const release = holdReads()
    // The client lost the text after seq 2; once it drains, the sink asks for what came after.
    sink.onResyncNeeded!({ epoch: 1, seq: 2 })
    // Meanwhile the owner ends the job: stored, and heard by the feed while the read is out.
    await append({ type: 'job-end', status: 'completed', metrics })
    await settle()
    expect(sink.closed).toBe(false)
    release()
    await settle()
    expect(sink.frames.map(frame => `${frame.event}#${frame.id}`)).toEqual(['snapshot#2', 'text-delta#3', 'text-delta#3', 'job-end#4'])
    expect(sink.closed).toBe(true)
    expect({ viewers: hub.count(), feeds: hub.remoteFeeds(), listeners: memory.stats().listeners, timers: timers.size }).toEqual({ viewers: 0, feeds: 0, listeners: 0, timers: 0 })
    attachment.detach()
  })

  it('a job-end heard after a catch-up that had it still ends the stream, without a second frame', () => {
    const sink = createRecordingSink()
    const viewer = createViewer(sink)
    // The catch-up sent everything up to the end (seq 4); the feed's copy of the end comes after.
    markReady(viewer, 4)
    deliver(viewer, { type: 'job-end', status: 'completed', metrics, seq: 4, at: 5 } as JobEvent)
    expect(sink.frames).toEqual([])
    expect(sink.closed).toBe(true)
    expect(viewer.closed).toBe(true)
  })
})
