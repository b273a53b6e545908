/**
 * The notification hub's dedupe and feed lifecycle, and the user feed that turns another
 * instance's job records into notifications (a stub provider stands in for Convex).
 */
import { describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../server/lib/logger'
import { NOTIFIED_KEYS_KEPT, NotificationHub } from '../../server/lib/notifications'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider, JobRecord } from '../../server/lib/providers/types'
import { createTimerSet } from '../../server/lib/timers'
import { createUserFeed } from '../../server/lib/user-feed'
import { createJobState } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'

function recordingSink() {
  const received: JobNotification[] = []
  const sink: NotificationSink = { send: notification => received.push(notification), comment() {}, close() {} }
  return { sink, received }
}

const base = { jobId: 'job-1', threadId: null, status: 'running' as const, title: 'hi' }

describe('NotificationHub', () => {
  it('forgets a deleted job\'s notifications: a reconnect replays only the others and the deletion (no title), and the job is not notified again', () => {
    const hub = new NotificationHub(() => 1_000)
    hub.notify('u1', { ...base, threadId: 't1', type: 'job-created', title: 'my private question' })
    hub.notify('u1', { ...base, jobId: 'job-2', type: 'job-created' })
    expect(hub.jobDeleted('u1', 'job-1')).toBe(true)
    expect(hub.jobDeleted('u1', 'job-1')).toBe(false) // once per job (here and from the feed)
    const { sink, received } = recordingSink()
    hub.attach('u1', sink, 0)
    expect(received.map(item => [item.type, item.jobId])).toEqual([['job-created', 'job-2'], ['job-deleted', 'job-1']])
    // The thread comes from the job's earlier notification; nothing of its title or status.
    expect(received[1]).toEqual({ id: 1_002, at: 1_000, type: 'job-deleted', jobId: 'job-1', threadId: 't1' })
    expect(JSON.stringify(received)).not.toContain('my private question')
    // A late record of the deleted job (the feed of another instance) is not notified again.
    expect(hub.notify('u1', { ...base, type: 'job-end', title: 'my private question' })).toBe(false)
  })

  it('sends a deletion to the user\'s open streams at once, and to a stream that reconnects after it', () => {
    const hub = new NotificationHub(() => 1_000)
    const open = recordingSink()
    hub.attach('u1', open.sink, null)
    hub.notify('u1', { ...base, type: 'job-end', title: 'secret' })
    hub.jobDeleted('u1', 'job-1', 't9')
    expect(open.received.map(item => [item.id, item.type, item.threadId])).toEqual([[1_000, 'job-end', null], [1_001, 'job-deleted', 't9']])
    const reconnecting = recordingSink()
    hub.attach('u1', reconnecting.sink, 1_000)
    expect(reconnecting.received.map(item => item.type)).toEqual(['job-deleted'])
    // A user with no stream yet: the deletion waits in the backlog.
    hub.jobDeleted('u2', 'job-7', null)
    const later = recordingSink()
    hub.attach('u2', later.sink, 0)
    expect(later.received.map(item => [item.type, item.jobId])).toEqual([['job-deleted', 'job-7']])
  })

  it('sends each job + type + request once, numbering what it sends', () => {
    const hub = new NotificationHub(() => 1_000)
    const { sink, received } = recordingSink()
    hub.attach('u1', sink, null)
    expect(hub.notify('u1', { ...base, type: 'job-created' })).toBe(true)
    expect(hub.notify('u1', { ...base, type: 'job-created' })).toBe(false)
    expect(hub.notify('u1', { ...base, type: 'input-request', requestId: 'r1' })).toBe(true)
    expect(hub.notify('u1', { ...base, type: 'input-request', requestId: 'r2' })).toBe(true)
    expect(hub.notify('u1', { ...base, type: 'input-request', requestId: 'r1' })).toBe(false)
    expect(hub.notify('u1', { ...base, type: 'job-end' })).toBe(true)
    expect(hub.notify('u2', { ...base, type: 'job-end' })).toBe(true) // another user's channel
    expect(received.map(item => [item.id, item.type, item.requestId])).toEqual([
      [1_000, 'job-created', undefined],
      [1_001, 'input-request', 'r1'],
      [1_002, 'input-request', 'r2'],
      [1_003, 'job-end', undefined],
    ])
  })

  it('keeps a bounded number of keys: the oldest is forgotten first', () => {
    const hub = new NotificationHub(() => 1_000)
    for (let index = 0; index <= NOTIFIED_KEYS_KEPT; index++) hub.notify('u1', { ...base, jobId: `job-${index}`, type: 'job-end' })
    expect(hub.notify('u1', { ...base, jobId: `job-${NOTIFIED_KEYS_KEPT}`, type: 'job-end' })).toBe(false)
    expect(hub.notify('u1', { ...base, jobId: 'job-0', type: 'job-end' })).toBe(true)
  })

  it('follows a user from the first attached sink until the last detaches, and on closeAll', () => {
    const started: string[] = []
    const stopped: string[] = []
    const hub = new NotificationHub(() => 1_000, (userId) => {
      started.push(userId)
      return () => stopped.push(userId)
    })
    const detachFirst = hub.attach('u1', recordingSink().sink, null)
    const detachSecond = hub.attach('u1', recordingSink().sink, null)
    hub.attach('u2', recordingSink().sink, null)
    expect(started).toEqual(['u1', 'u2'])
    expect(hub.feeds).toBe(2)
    detachFirst()
    expect(stopped).toEqual([])
    detachSecond()
    detachSecond()
    expect(stopped).toEqual(['u1'])
    expect(hub.feeds).toBe(1)
    hub.closeAll()
    expect(stopped).toEqual(['u1', 'u2'])
    expect(hub.feeds).toBe(0)
  })
})

function record(overrides: Partial<JobRecord>): JobRecord {
  return {
    id: 'job-1',
    userId: 'u1',
    type: 'chat',
    status: 'running',
    threadId: 't1',
    messageId: null,
    idempotencyKey: null,
    title: 'hi',
    request: { type: 'chat', messages: [] },
    createdAt: 1_000,
    updatedAt: 1_000,
    endedAt: null,
    lastSeq: 1,
    lease: null,
    ...overrides,
  }
}

/** A provider that hands records to the feed on demand and answers getState from a map. */
/**
 * A user feed driven by the test. As a provider does, a subscription with `since` is first handed
 * the latest record of each job delivered since then (a feed that starts again from an older
 * stream's position replaces the running one).
 */
function stubProvider(states: Record<string, JobState>) {
  let deliver: ((records: JobRecord[]) => void) | null = null
  let deleted: ((jobId: string) => void) | undefined
  const latest = new Map<string, JobRecord>()
  const provider = {
    ...createMemoryProvider(),
    async getState(id: string) {
      return states[id] ?? null
    },
    subscribeUserJobs(_userId: string, listener: (records: JobRecord[]) => void, options?: { onDeleted?: (jobId: string) => void, since?: number }) {
      deliver = listener
      deleted = options?.onDeleted
      const since = options?.since
      if (since !== undefined) {
        const changed = [...latest.values()].filter(record => record.updatedAt >= since)
        if (changed.length > 0) queueMicrotask(() => listener(changed))
      }
      return () => {
        if (deliver === listener) deliver = null
      }
    },
  } satisfies JobProvider
  const handOn = (records: JobRecord[]) => {
    for (const record of records) latest.set(record.id, record)
    deliver?.(records)
  }
  return { provider, deliver: handOn, deleted: (jobId: string) => deleted?.(jobId), subscribed: () => deliver !== null }
}

describe('createUserFeed', () => {
  it('is absent on a provider that cannot follow a user (memory)', () => {
    expect(createUserFeed({ provider: createMemoryProvider(), notify() {}, jobDeleted() {}, inputSettled() {}, now: () => 0, logger: silentLogger, timers: createTimerSet(), isLocal: () => false })).toBeUndefined()
  })

  it('turns records into notifications: new job, each pending request, the end; skips local jobs', async () => {
    const waitingState: JobState = {
      ...createJobState({ id: 'job-2', type: 'chat', createdAt: 1_500 }),
      status: 'waiting',
      pendingInputs: [
        { requestId: 'r1', kind: 'tool-approval', prompt: 'Allow?', expiresAt: 9_000, onTimeout: 'deny', requestedAt: 1_600 },
        { requestId: 'r2', kind: 'tool-approval', prompt: 'And this?', expiresAt: 9_000, onTimeout: 'deny', requestedAt: 1_600 },
      ],
    }
    vi.useFakeTimers()
    const stub = stubProvider({ 'job-2': waitingState })
    const sent: Array<[string, string, string | undefined, string]> = []
    const follow = createUserFeed({
      provider: stub.provider,
      notify: (userId, notification) => sent.push([userId, notification.jobId, notification.requestId, `${notification.type}:${notification.status}`]),
      jobDeleted: () => {},
      inputSettled: () => {},
      now: () => 1_200,
      logger: silentLogger,
      timers: createTimerSet(),
      isLocal: id => id === 'local',
    })!
    const stop = follow('u1')
    stub.deliver([
      record({ id: 'old', createdAt: 1_000, status: 'completed' }), // created before the feed: only its end
      record({ id: 'job-2', createdAt: 1_500, status: 'waiting' }),
      record({ id: 'local', createdAt: 1_500, status: 'completed' }),
      record({ id: 'theirs', userId: 'u2', createdAt: 1_500, status: 'failed' }),
    ])
    await vi.advanceTimersByTimeAsync(0) // the state read of the waiting job
    vi.useRealTimers()
    expect(sent).toEqual([
      ['u1', 'old', undefined, 'job-end:completed'],
      ['u1', 'job-2', undefined, 'job-created:waiting'],
      ['u1', 'job-2', 'r1', 'input-request:waiting'],
      ['u1', 'job-2', 'r2', 'input-request:waiting'],
    ])
    stop()
    expect(stub.subscribed()).toBe(false)
  })

  it('a job deleted on another instance (the provider\'s onDeleted) reaches the hub after the job\'s earlier notifications, and its replay loses the title', async () => {
    const stub = stubProvider({})
    const hub: NotificationHub = new NotificationHub(() => 1_300, createUserFeed({
      provider: stub.provider,
      notify: (userId, notification) => hub.notify(userId, notification),
      jobDeleted: (userId, jobId) => hub.jobDeleted(userId, jobId),
      inputSettled: (userId, jobId) => hub.inputSettled(userId, jobId),
      now: () => 1_200,
      logger: silentLogger,
      timers: createTimerSet(),
      isLocal: () => false,
    }))
    const open = recordingSink()
    const detach = hub.attach('u1', open.sink, null)
    stub.deliver([record({ id: 'remote', threadId: 't1', title: 'my private question', createdAt: 1_250, status: 'completed' })])
    stub.deleted('remote')
    await vi.waitFor(() => expect(open.received.map(item => item.type)).toEqual(['job-created', 'job-end', 'job-deleted']))
    expect(open.received[2]).toMatchObject({ jobId: 'remote', threadId: 't1' })
    const reconnecting = recordingSink()
    hub.attach('u1', reconnecting.sink, 0)
    expect(reconnecting.received.map(item => item.type)).toEqual(['job-deleted'])
    expect(JSON.stringify(reconnecting.received)).not.toContain('my private question')
    detach()
  })

  it('a job of another instance that no longer waits (answered on another tab) leaves no question in the replay', async () => {
    const waitingState: JobState = {
      ...createJobState({ id: 'remote', type: 'chat', createdAt: 1_250 }),
      status: 'waiting',
      pendingInputs: [{ requestId: 'r1', kind: 'tool-approval', prompt: 'Allow?', expiresAt: 9_000, onTimeout: 'deny', requestedAt: 1_260 }],
    }
    const stub = stubProvider({ remote: waitingState })
    const hub: NotificationHub = new NotificationHub(() => 1_300, createUserFeed({
      provider: stub.provider,
      notify: (userId, notification) => hub.notify(userId, notification),
      jobDeleted: (userId, jobId) => hub.jobDeleted(userId, jobId),
      inputSettled: (userId, jobId) => hub.inputSettled(userId, jobId),
      now: () => 1_200,
      logger: silentLogger,
      timers: createTimerSet(),
      isLocal: () => false,
    }))
    const open = recordingSink()
    const detach = hub.attach('u1', open.sink, null)
    stub.deliver([record({ id: 'remote', createdAt: 1_250, status: 'waiting' })])
    await vi.waitFor(() => expect(open.received.map(item => item.type)).toEqual(['job-created', 'input-request']))
    stub.deliver([record({ id: 'remote', createdAt: 1_250, status: 'running' })])
    await vi.waitFor(() => {
      const reconnecting = recordingSink()
      hub.attach('u1', reconnecting.sink, 0)()
      expect(reconnecting.received.map(item => item.type)).toEqual(['job-created'])
    })
    detach()
  })
})
