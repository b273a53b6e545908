/**
 * A notification hub following one user's jobs on "another instance": the provider's user feed is
 * driven by the test (`deliver` a record), and the job's stored state is whatever the test sets.
 * Shared by the feed tests (notification-feed-still-waiting, notification-replay-recheck).
 */
import { silentLogger } from '../../server/lib/logger'
import { NotificationHub } from '../../server/lib/notifications'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider, JobRecord } from '../../server/lib/providers/types'
import { createTimerSet } from '../../server/lib/timers'
import { createUserFeed } from '../../server/lib/user-feed'
import { expect, vi } from 'vitest'
import { createJobState } from '../../shared/reducer'
import type { JobState, PendingInput } from '../../shared/reducer'

/** A sink that keeps what it is sent. */
export function recordingSink() {
  const received: JobNotification[] = []
  const sink: NotificationSink = { send: notification => received.push(notification), comment() {}, close() {} }
  return { sink, received }
}

/** The hub, its clock at 1,300 (`setClock` moves it); `feedNow`, when given, is the feed's own clock. */
export function remoteFeedHub(initial: JobState, options: { feedNow?: number } = {}) {
  let state = initial
  let clock = 1_300
  let deliver: ((records: JobRecord[]) => void) | null = null
  const provider = {
    ...createMemoryProvider(),
    async getState() {
      return state
    },
    subscribeUserJobs(_userId: string, listener: (records: JobRecord[]) => void) {
      deliver = listener
      return () => {
        // A feed started again (from an older stream's position) replaces this one: keep the new one.
        if (deliver === listener) deliver = null
      }
    },
  } satisfies JobProvider
  const hub: NotificationHub = new NotificationHub(() => clock, createUserFeed({
    provider,
    notify: (userId, notification) => hub.notify(userId, notification),
    jobDeleted: (userId, jobId) => hub.jobDeleted(userId, jobId),
    inputSettled: (userId, jobId, pending) => hub.inputSettled(userId, jobId, pending),
    now: () => options.feedNow ?? clock,
    logger: silentLogger,
    timers: createTimerSet(),
    isLocal: () => false,
  }))
  return {
    hub,
    deliver: (records: JobRecord[]) => deliver!(records),
    following: () => deliver !== null,
    state: () => state,
    setState: (next: JobState) => {
      state = next
    },
    setClock: (at: number) => {
      clock = at
    },
  }
}

/** The job on another instance the replay tests follow ("remote", user u1's workflow "review"). */
export const remoteRecord = (status: JobRecord['status']): JobRecord => ({
  id: 'remote', userId: 'u1', type: 'workflow', status, threadId: 't1', messageId: null, idempotencyKey: null, title: 'review',
  request: { type: 'workflow', workflow: 'review', input: {} }, createdAt: 1_250, updatedAt: 1_250, endedAt: null, lastSeq: 1, lease: null,
})

/** One of its questions. */
export const remoteQuestion = (requestId: string): PendingInput => ({
  requestId, kind: 'workflow-input', prompt: `${requestId}?`, expiresAt: 90_000, onTimeout: 'fail', nodeId: requestId, requestedAt: 1_260,
})

/** The job waiting on `questions`. */
export const remoteWaiting = (...questions: PendingInput[]): JobState => ({ ...createJobState({ id: 'remote', type: 'workflow', createdAt: 1_250 }), status: 'waiting', pendingInputs: questions })

/** A notification as the tests compare them: its type and request id. */
export const told = (item: JobNotification) => `${item.type} ${item.requestId ?? ''}`.trim()

/**
 * A tab's stream is told the job's question r1, then breaks (nothing here follows the job any
 * more) and the clock moves to 60,000: what the tests then change on the job happened meanwhile.
 */
export async function askedThenStreamBroke(feed: ReturnType<typeof remoteFeedHub>): Promise<void> {
  const open = recordingSink()
  const detach = feed.hub.attach('u1', open.sink, null)
  feed.deliver([remoteRecord('waiting')])
  await vi.waitFor(() => expect(open.received.map(told)).toEqual(['input-request r1']))
  detach()
  feed.setClock(60_000)
}
