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
import type { JobState } from '../../shared/reducer'

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
