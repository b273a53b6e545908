import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobNotification } from '../../app/lib/api-types'
import { FakeEventSource } from '../support/fake-event-source'
import { followNotifications, NOTIFICATIONS_REOPEN_BASE_DELAY_MS, NOTIFICATIONS_REOPEN_MAX_DELAY_MS, NOTIFICATIONS_WAKE_QUIET_MS } from '../../app/lib/notification-stream'

/** Pushes a notification as the stream sends it: a named event, its id as the event id. */
function notify(source: FakeEventSource, notification: JobNotification) {
  const { type, ...data } = notification
  source.emit(type, data, String(notification.id))
}

function harness() {
  const sources: FakeEventSource[] = []
  const received: JobNotification[] = []
  let wake: (() => void) | null = null
  const handle = followNotifications({
    subscribeToWake: (callback) => {
      wake = callback
      return () => { wake = null }
    },
    url: '/api/jobs/notifications',
    onNotification: notification => received.push(notification),
    createEventSource: (url) => {
      const source = new FakeEventSource(url)
      sources.push(source)
      return source
    },
  })
  return { sources, received, handle, latest: () => sources.at(-1)!, wake: () => wake?.() }
}

const ended = (id: number, jobId: string): JobNotification => ({ id, type: 'job-end', jobId, threadId: 't1', status: 'completed', title: 'A job', at: 1 })

describe('notification stream follower', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('backs off while the server is down: the browser\'s own retry is closed off, ours doubles up to the cap', () => {
    const { sources, latest, handle } = harness()
    // The server stays down for 12 s: every stream fails at once, as it opens.
    const started = Date.now()
    while (Date.now() - started < 12_000) {
      if (!latest().closed) latest().fail()
      vi.advanceTimersByTime(100)
    }
    // Opened at 0, 1, 3 and 7 s (not every second, as the browser's EventSource retries).
    expect(sources).toHaveLength(4)
    expect(sources.every(source => source.closed)).toBe(true)
    // The delay stops growing at the cap.
    for (let attempt = 0; attempt < 10; attempt++) {
      latest().fail()
      vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_MAX_DELAY_MS)
    }
    const count = sources.length
    latest().fail()
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_MAX_DELAY_MS - 1)
    expect(sources).toHaveLength(count)
    vi.advanceTimersByTime(1)
    expect(sources).toHaveLength(count + 1)
    handle.close()
  })

  it('hands on every type the server sends, input-answered included', () => {
    const { latest, received, handle } = harness()
    latest().open()
    const base = { jobId: 'a', threadId: 't1', title: 'A job', at: 1 }
    notify(latest(), { ...base, id: 1, type: 'job-created', status: 'queued' })
    notify(latest(), { ...base, id: 2, type: 'input-request', status: 'waiting', requestId: 'r1', prompt: 'Allow?' })
    notify(latest(), { ...base, id: 3, type: 'input-answered', status: 'running', requestId: 'r1' })
    notify(latest(), { ...base, id: 4, type: 'job-end', status: 'completed' })
    notify(latest(), { id: 5, type: 'job-deleted', jobId: 'a', threadId: 't1', at: 1 })
    expect(received.map(item => [item.type, item.id])).toEqual([['job-created', 1], ['input-request', 2], ['input-answered', 3], ['job-end', 4], ['job-deleted', 5]])
    expect(received[2]).toMatchObject({ requestId: 'r1', status: 'running' })
    handle.close()
  })

  it('starts again from the base delay once a stream opened, and resumes after the last notification', () => {
    const { sources, latest, received, handle } = harness()
    latest().open()
    notify(latest(), ended(7, 'a'))
    latest().fail()
    latest().fail()
    expect(sources).toHaveLength(1)
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_BASE_DELAY_MS)
    expect(sources).toHaveLength(2)
    expect(latest().url).toBe('/api/jobs/notifications?after=7')
    // A replay of what was delivered reaches the caller once.
    latest().open()
    notify(latest(), ended(7, 'a'))
    notify(latest(), ended(8, 'b'))
    expect(received.map(notification => notification.jobId)).toEqual(['a', 'b'])
    latest().fail()
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_BASE_DELAY_MS)
    expect(latest().url).toBe('/api/jobs/notifications?after=8')
    handle.close()
  })

  it('a tab that has had no notification yet resumes after the break from the stream\'s `stream-start` position, not from the reopening', () => {
    const { latest, received, handle } = harness()
    latest().open()
    latest().emit('stream-start', { type: 'stream-start', id: 5_000 }, '5000')
    expect(received).toEqual([]) // a position, not a notification
    latest().fail()
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_BASE_DELAY_MS)
    expect(latest().url).toBe('/api/jobs/notifications?after=5000')
    handle.close()
  })

  it('close stops everything: no reopen is left pending', () => {
    const { sources, latest, handle } = harness()
    latest().fail()
    handle.close()
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_MAX_DELAY_MS * 2)
    expect(sources).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('reopens at once when the device is back instead of waiting out the delay', () => {
    const { sources, latest, wake } = harness()
    for (let attempt = 0; attempt < 5; attempt++) {
      latest().fail(2)
      vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_BASE_DELAY_MS * 2 ** attempt)
    }
    latest().fail(2)
    expect(sources).toHaveLength(6)
    wake()
    expect(sources).toHaveLength(7)
    // The pending reopen was replaced, not added to.
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_MAX_DELAY_MS)
    expect(sources).toHaveLength(7)
  })

  it('a wake signal while a stream is connecting is kept: when that attempt fails, the next goes at once, not after the backoff', () => {
    const { sources, latest, wake } = harness()
    for (let attempt = 0; attempt < 5; attempt++) {
      latest().fail(2)
      vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_BASE_DELAY_MS * 2 ** attempt)
    }
    // Attempt 6 is connecting (it left while the device was still offline); the device comes back.
    expect(sources).toHaveLength(6)
    wake()
    expect(sources).toHaveLength(6)
    latest().fail(2)
    expect(sources).toHaveLength(7)
    // Kept once: a failure of that attempt waits out the backoff again, and an opened stream clears it.
    latest().fail(2)
    expect(sources).toHaveLength(7)
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_MAX_DELAY_MS)
    expect(sources).toHaveLength(8)
    wake()
    latest().open()
    latest().fail(2)
    expect(sources).toHaveLength(8)
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_BASE_DELAY_MS)
    expect(sources).toHaveLength(9)
  })

  it('a wake signal reopens an attempt that has been connecting for as long as a quiet stream (half-open across a sleep)', () => {
    const { sources, latest, wake } = harness()
    // Never opens, never fails: a connection the laptop's sleep left half-open.
    vi.advanceTimersByTime(NOTIFICATIONS_WAKE_QUIET_MS)
    wake()
    expect(sources).toHaveLength(2)
    expect(sources[0]!.closed).toBe(true)
    expect(latest().closed).toBe(false)
  })

  it('on a wake signal reopens a stream quiet long enough to be dead, after the last notification, and not a lively one', () => {
    const { sources, received, latest, wake } = harness()
    latest().open()
    notify(latest(), ended(4, 'j1'))
    vi.advanceTimersByTime(NOTIFICATIONS_WAKE_QUIET_MS - 1)
    wake()
    expect(sources).toHaveLength(1)
    // A laptop that slept: the stream said nothing since, and maybe never will.
    vi.advanceTimersByTime(1)
    wake()
    expect(sources[0]!.closed).toBe(true)
    expect(sources).toHaveLength(2)
    expect(latest().url).toBe('/api/jobs/notifications?after=4')
    notify(latest(), ended(4, 'j1'))
    notify(latest(), ended(5, 'j2'))
    expect(received.map(notification => notification.jobId)).toEqual(['j1', 'j2'])
  })

  it('drops a replayed job-created whose status moved on: another instance heard of the job later, the same job once', () => {
    const { latest, received, handle } = harness()
    latest().open()
    // The instance running the job tells it queued...
    notify(latest(), { id: 1_000, type: 'job-created', jobId: 'a', threadId: 't1', status: 'queued', title: 'A job', at: 1_000 })
    latest().fail()
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_BASE_DELAY_MS)
    latest().open()
    // ...the reconnect lands on an instance whose feed first saw the job running: the same creation.
    notify(latest(), { id: 1_001, type: 'job-created', jobId: 'a', threadId: 't1', status: 'running', title: 'A job', at: 1_001 })
    expect(received.map(item => [item.type, item.jobId])).toEqual([['job-created', 'a']])
    handle.close()
  })
})
