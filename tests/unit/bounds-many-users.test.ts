/**
 * "A server that runs for weeks": what the process keeps per user, per job or per label value
 * stays bounded with very many distinct users (anonymous clients that each start one job), and
 * returns to its baseline once time passes every window and the retention — also when the clock
 * jumps by days. Fake timers and counts only.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMetrics } from '../../server/lib/metrics'
import { MAX_LABEL_VALUES, OTHER_LABEL_VALUE } from '../../server/lib/metric-labels'
import { NOTIFICATION_USERS_MAX, NotificationHub } from '../../server/lib/notifications'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import { createSlidingWindows, RATE_WINDOW_MS } from '../../server/lib/rate-limit'
import { createStreamGate } from '../../server/lib/stream-limit'
import type { RunContext } from '../../server/lib/run-context'
import { createSessionCache, SESSION_CACHE_MAX_ENTRIES } from '../../server/lib/http/session-cache'
import { createValidationBudget } from '../../server/lib/validation-budget'
import { chatRequest, createTestEngine } from '../support/engine-harness'

const MANY_USERS = 100_000
const DAY_MS = 86_400_000

function recordingSink() {
  const received: JobNotification[] = []
  const sink: NotificationSink = { send: notification => received.push(notification), comment() {}, close() {} }
  return { sink, received }
}

const note = (jobId: string, type: 'job-created' | 'job-end') => ({ jobId, threadId: null, status: 'running' as const, title: 'hi', type })

describe('notification hub with many distinct users', () => {
  it('keeps at most NOTIFICATION_USERS_MAX idle users, never drops one with an open stream, and prune empties it', () => {
    let nowMs = 1_000
    const hub = new NotificationHub(() => nowMs)
    const watcher = recordingSink()
    const detachWatcher = hub.attach('watcher', watcher.sink, null)
    // Three times the cap, as in the engine's test below: each user past it makes the hub drop an
    // idle one, one at a time, so passing the cap more often adds nothing (not MANY_USERS of them).
    const users = 3 * NOTIFICATION_USERS_MAX
    for (let index = 0; index < users; index++) {
      hub.notify(`anon_${index}`, note(`job-${index}`, 'job-created'))
      hub.notify(`anon_${index}`, note(`job-${index}`, 'job-end'))
    }
    expect(hub.size).toBeLessThanOrEqual(NOTIFICATION_USERS_MAX)
    // The most recent users are the ones kept (a reconnect of theirs still replays).
    const latest = recordingSink()
    hub.attach(`anon_${users - 1}`, latest.sink, 0)
    expect(latest.received.map(item => item.type)).toEqual(['job-created', 'job-end'])
    // The user with a stream open all along still gets what comes.
    hub.notify('watcher', note('job-w', 'job-end'))
    expect(watcher.received.map(item => item.jobId)).toEqual(['job-w'])
    detachWatcher()
    nowMs += DAY_MS
    hub.prune(nowMs - 1)
    expect(hub.size).toBe(1) // the one still attached
  })
})

describe('engine with many distinct users', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const quick = async (context: RunContext) => {
    context.text('ok')
  }

  it('holds at most NOTIFICATION_USERS_MAX users while they come, and nothing once retention passed', async () => {
    const { engine, provider } = createTestEngine({ config: { limits: { retentionMs: 3_600_000 } }, runners: { chat: quick } })
    // Three times the cap: each user past it makes the hub drop an idle one (a whole job per user is
    // the costly part of this file, so not MANY_USERS of them).
    for (let index = 0; index < 3 * NOTIFICATION_USERS_MAX; index++) {
      const { job } = await engine.createJob(`anon_${index}`, { request: chatRequest, limitRate: true })
      await engine.whenSettled(job.id)
    }
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0, pendingInputs: 0 })
    expect(engine.stats().notificationUsers).toBeLessThanOrEqual(NOTIFICATION_USERS_MAX)
    // Days later (the wall clock jumped too): every job and user is gone.
    vi.setSystemTime(Date.now() + 3 * DAY_MS)
    // One cleanup pass; its batches yield to the event loop (setImmediate) between them.
    await vi.advanceTimersByTimeAsync(engine.getConfig().limits.cleanupIntervalMs + 1_000)
    expect(provider.stats()).toMatchObject({ jobs: 0, events: 0, idempotencyKeys: 0, users: 0, listeners: 0 })
    expect(engine.stats()).toMatchObject({ runs: 0, notificationUsers: 0, notificationSinks: 0, userFeeds: 0 })
    await engine.dispose()
    expect(engine.stats().engineTimers).toBe(0)
  }, 60_000)

  it('prunes notification users on an instance that serves notification streams but never created a job', async () => {
    const { engine } = createTestEngine({ config: { limits: { retentionMs: 60_000 } }, runners: { chat: quick } })
    for (let index = 0; index < 100; index++) engine.attachNotifications(`anon_${index}`, recordingSink().sink, null)()
    expect(engine.stats().notificationUsers).toBe(100)
    vi.setSystemTime(Date.now() + 2 * 60_000)
    await vi.advanceTimersByTimeAsync(engine.getConfig().limits.cleanupIntervalMs)
    expect(engine.stats().notificationUsers).toBe(0)
    await engine.dispose()
    expect(engine.stats().engineTimers).toBe(0)
  })
})

describe('rate windows when the clock jumps', () => {
  it('drops every key at the first request after the clock went back a day, and refuses nobody for that day', () => {
    const clock = { now: 10 * DAY_MS }
    const windows = createSlidingWindows(() => clock.now)
    for (let index = 0; index < MANY_USERS; index++) windows.take(`create:anon_${index}`, 2, RATE_WINDOW_MS)
    windows.take('create:busy', 1, RATE_WINDOW_MS)
    expect(windows.size).toBe(MANY_USERS + 1)
    clock.now -= DAY_MS
    // The full window of before the jump holds `busy` back for at most one window, not a day.
    const decision = windows.take('create:busy', 1, RATE_WINDOW_MS)
    expect(decision.ok || decision.retryAfterMs <= RATE_WINDOW_MS).toBe(true)
    expect(windows.size).toBe(1)
  })

  it('still sweeps idle keys a window after the clock went forward by days', () => {
    const clock = { now: DAY_MS }
    const windows = createSlidingWindows(() => clock.now)
    for (let index = 0; index < MANY_USERS; index++) windows.take(`create:anon_${index}`, 2, RATE_WINDOW_MS)
    clock.now += 3 * DAY_MS
    windows.take('create:late', 2, RATE_WINDOW_MS)
    expect(windows.size).toBe(1)
  })
})

describe('metrics labels taken from errors', () => {
  it('keeps at most MAX_LABEL_VALUES codes per counter; the rest is counted under "other"', () => {
    const metrics = createMetrics()
    for (let index = 0; index < MANY_USERS; index++) metrics.increment('job_errors_total', { code: `failed-for-job-${index}` })
    const { counters } = metrics.snapshot()
    const keys = Object.keys(counters).filter(key => key.startsWith('job_errors_total'))
    expect(keys.length).toBe(MAX_LABEL_VALUES + 1)
    expect(counters[`job_errors_total{code="${OTHER_LABEL_VALUE}"}`]).toBe(MANY_USERS - MAX_LABEL_VALUES)
    expect(Object.values(counters).reduce((sum, value) => sum + value, 0)).toBe(MANY_USERS)
    // Known values keep counting under their own name.
    metrics.increment('job_errors_total', { code: 'failed-for-job-0' })
    expect(metrics.snapshot().counters['job_errors_total{code="failed-for-job-0"}']).toBe(2)
  })

  it('caps the one-label hot-path counters the same way', () => {
    const metrics = createMetrics()
    const count = metrics.labeledCounter('events_sent_total', 'event')
    for (let index = 0; index < MANY_USERS; index++) count(`type-${index}`)
    expect(Object.keys(metrics.snapshot().counters).length).toBe(MAX_LABEL_VALUES + 1)
  })
})

describe('per-user bookkeeping of requests', () => {
  it('the session cache keeps at most SESSION_CACHE_MAX_ENTRIES cookies; expired ones are never answered', () => {
    let nowMs = 0
    const cache = createSessionCache(undefined, () => nowMs)
    for (let index = 0; index < MANY_USERS; index++) cache.set(`sealed-${index}`, 'secret', `id-${index}`, DAY_MS)
    expect(cache.size).toBe(SESSION_CACHE_MAX_ENTRIES)
    nowMs = 3 * DAY_MS
    expect(cache.get(`sealed-${MANY_USERS - 1}`, 'secret')).toBeUndefined()
  })

  it('the refused-values budget keeps at most 10,000 users, the newest', () => {
    let nowMs = 0
    const budget = createValidationBudget(() => nowMs, 5)
    // A refusal every 10 ms from a new user: 6,000 of them in any minute.
    for (let index = 0; index < MANY_USERS; index++) {
      nowMs = index * 10
      budget.spend(`anon_${index}`, 6)
    }
    expect(budget.size).toBeLessThanOrEqual(10_000)
    // The newest user's window is still held: refused unchecked until its minute is over.
    expect(() => budget.assertRoom(`anon_${MANY_USERS - 1}`)).toThrow(/Too many problems/)
  })

  it('the stream gate forgets a user whose last stream closed', () => {
    const gate = createStreamGate()
    for (let index = 0; index < MANY_USERS; index++) gate.acquire(`anon_${index}`, 20, 0)()
    expect(gate.total()).toBe(0)
    expect(gate.users()).toBe(0)
  })
})
