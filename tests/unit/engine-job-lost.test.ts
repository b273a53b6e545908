/**
 * A job the store lost while it ran (its record deleted under the engine: a Redis flushed, a Convex
 * document deleted by hand — here the memory provider, wrapped): the owner stops its run without
 * an end, and the user's notification streams are told with a `job-lost` (a tab showing the job
 * running would otherwise keep it so for ever), its viewers' streams end at once, and a stream
 * that reconnects learns it from the backlog, without the job's earlier notifications.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobNotification } from '../../server/lib/notifications'
import type { JobProvider } from '../../server/lib/providers/types'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'

/** The memory provider, with jobs that can be taken out from under the engine (`lose`). */
function losable(provider: JobProvider) {
  const lost = new Set<string>()
  const wrapped = Object.assign(Object.create(provider) as JobProvider, {
    async appendEvents(...args: Parameters<JobProvider['appendEvents']>) {
      if (lost.has(args[0])) return { ok: false as const, reason: 'not-found' as const, lastSeq: 0 }
      return await provider.appendEvents(...args)
    },
    async get(id: string) {
      return lost.has(id) ? null : await provider.get(id)
    },
    async getState(id: string) {
      return lost.has(id) ? null : await provider.getState(id)
    },
  })
  return { wrapped, lose: (id: string) => lost.add(id) }
}

function notificationSink() {
  const received: JobNotification[] = []
  return { received, sink: { send: (note: JobNotification) => void received.push(note), comment() {}, close() {} } }
}

describe('a job the store lost while it ran', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function start() {
    let store!: ReturnType<typeof losable>
    const { engine } = createTestEngine({
      wrap: (provider) => {
        store = losable(provider)
        return store.wrapped
      },
      runners: {
        async chat(context) {
          context.text('partial ')
          await wait(100, context.signal)
          context.text('more')
          await wait(100, context.signal)
        },
      },
    })
    return { engine, lose: (id: string) => store.lose(id) }
  }

  it('tells the user\'s open streams job-lost (with its thread and title) and ends its viewers\' streams', async () => {
    const { engine, lose } = start()
    const open = notificationSink()
    engine.attachNotifications('u1', open.sink, null)
    const { job } = await engine.createJob('u1', { request: chatRequest, threadId: 't1' })
    const viewer = createRecordingSink()
    await engine.attachViewer('u1', job.id, viewer, null)
    await vi.advanceTimersByTimeAsync(10)
    lose(job.id)
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    const lostNote = open.received.find(note => note.type === 'job-lost')
    expect(lostNote).toEqual({ type: 'job-lost', jobId: job.id, threadId: 't1', title: 'hi', id: expect.any(Number), at: expect.any(Number) })
    expect(open.received.filter(note => note.jobId === job.id).map(note => note.type)).toEqual(['job-created', 'job-lost'])
    // Its viewer is not left waiting for events that will never come: its stream ends now.
    expect(viewer.closed).toBe(true)
    expect(viewer.frames.some(frame => frame.event === 'job-end')).toBe(false)
  })

  it('a stream that reconnects gets the job-lost from the backlog, not the job\'s earlier notifications', async () => {
    const { engine, lose } = start()
    const { job } = await engine.createJob('u1', { request: chatRequest, threadId: 't1' })
    await vi.advanceTimersByTimeAsync(10)
    lose(job.id)
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    const reconnecting = notificationSink()
    engine.attachNotifications('u1', reconnecting.sink, 0)
    expect(reconnecting.received.filter(note => note.jobId === job.id).map(note => note.type)).toEqual(['job-lost'])
  })
})
