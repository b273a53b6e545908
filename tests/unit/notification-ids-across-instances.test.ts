/**
 * Notification ids across instances: a tab's reconnect may land on another instance (Redis,
 * Convex: each instance follows the user's jobs and keeps its own backlog). The id the tab resumes
 * after came from the first instance, so ids must order the notifications of every instance alike:
 * the second instance replays what it notified after that one, not its older backlog, and does not
 * skip what it notified while the tab was away.
 */
import { describe, expect, it } from 'vitest'
import { NotificationHub } from '../../server/lib/notifications'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'

function recordingSink() {
  const received: JobNotification[] = []
  const sink: NotificationSink = { send: notification => received.push(notification), comment() {}, close() {} }
  return { sink, received }
}

const base = { threadId: null, status: 'completed' as const, title: 'hi' }

describe('notification ids across instances', () => {
  // Which instance was busy (other users' notifications) before the tab opened on A.
  it.each([
    ['the busier instance replays only what came after the last notification seen, not older ones', 'B'],
    ['the quieter instance does not miss the end it notified while the tab was away', 'A'],
  ] as const)('a reconnect to %s', (_case, busy) => {
    let nowMs = 1_000
    const instanceA = new NotificationHub(() => nowMs)
    const instanceB = new NotificationHub(() => nowMs)
    const busier = busy === 'A' ? instanceA : instanceB
    for (let index = 0; index < 50; index++) busier.notify(`other-${index}`, { ...base, jobId: `other-${index}`, type: 'job-end' })
    // Before the tab opened, B told u1 of a job that ended long ago (when B is the busy one).
    if (busy === 'B') instanceB.notify('u1', { ...base, jobId: 'old-job', type: 'job-end' })
    // The tab opens on A and hears of a new job there, longer after than instances' clocks may
    // differ (a replay from another instance's id reaches back that far: notification-replay-skew).
    nowMs = 10_000
    const tab = recordingSink()
    const detach = instanceA.attach('u1', tab.sink, null)
    instanceA.notify('u1', { ...base, jobId: 'job-a', type: 'job-created', status: 'queued' })
    detach()
    // While the tab reconnects, B hears of another job's end.
    nowMs = 11_000
    instanceB.notify('u1', { ...base, jobId: 'job-b', type: 'job-end' })
    instanceB.attach('u1', tab.sink, tab.received.at(-1)!.id)
    expect(tab.received.map(item => item.jobId)).toEqual(['job-a', 'job-b'])
  })

  it('ids still grow by one within an instance when the clock stands still or goes back', () => {
    let nowMs = 5_000
    const hub = new NotificationHub(() => nowMs)
    const tab = recordingSink()
    hub.attach('u1', tab.sink, null)
    hub.notify('u1', { ...base, jobId: 'j1', type: 'job-end' })
    hub.notify('u1', { ...base, jobId: 'j2', type: 'job-end' })
    nowMs = 4_000
    hub.notify('u1', { ...base, jobId: 'j3', type: 'job-end' })
    const ids = tab.received.map(item => item.id)
    expect(ids[1]! - ids[0]!).toBe(1)
    expect(ids[2]! - ids[1]!).toBe(1)
  })
})
