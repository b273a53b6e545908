/**
 * Instances' clocks differ a little, and notification ids follow each instance's clock. A tab whose
 * last id came from an instance whose clock runs ahead, reconnecting to one whose clock runs
 * behind, must still be replayed what that one notified after the tab's last notification — even
 * when it got a smaller id there. A resume from an id the instance gave itself needs no margin
 * (its own ids only grow): nothing older is replayed then.
 */
import { describe, expect, it } from 'vitest'
import { NOTIFICATION_REPLAY_SKEW_MS, NotificationHub } from '../../server/lib/notifications'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'

function recordingSink() {
  const received: JobNotification[] = []
  const positions: number[] = []
  const sink: NotificationSink = { send: notification => received.push(notification), position: id => positions.push(id), comment() {}, close() {} }
  return { sink, received, positions }
}

const base = { threadId: null, status: 'completed' as const, title: 'hi' }

describe('notification replay across instances whose clocks differ', () => {
  it('a notification B sent 100 ms after the tab\'s last one on A, with B\'s clock 300 ms behind, is replayed on B', () => {
    let realMs = 1_000_000
    const instanceA = new NotificationHub(() => realMs + 300)
    const instanceB = new NotificationHub(() => realMs)
    const tab = recordingSink()
    const detach = instanceA.attach('u1', tab.sink, null)
    instanceA.notify('u1', { ...base, jobId: 'job-a', type: 'job-end' })
    detach()
    // 100 ms later (real time) a job running on B ends; the tab's stream is down.
    realMs += 100
    instanceB.notify('u1', { ...base, jobId: 'job-b', type: 'job-end' })
    const back = recordingSink()
    instanceB.attach('u1', back.sink, tab.received.at(-1)!.id)
    expect(back.received.map(item => item.jobId)).toEqual(['job-b'])
  })

  it('the same holds for a fresh stream\'s position (stream-start) from the instance ahead', () => {
    let realMs = 1_000_000
    const instanceA = new NotificationHub(() => realMs + 300)
    const instanceB = new NotificationHub(() => realMs)
    const tab = recordingSink()
    instanceA.attach('u1', tab.sink, null)()
    realMs += 100
    instanceB.notify('u1', { ...base, jobId: 'job-b', type: 'job-end' })
    const back = recordingSink()
    instanceB.attach('u1', back.sink, tab.positions[0]!)
    expect(back.received.map(item => item.jobId)).toEqual(['job-b'])
  })

  it('a resume from an id this instance gave (a notification or a position) replays nothing older, however close', () => {
    let nowMs = 1_000_000
    const hub = new NotificationHub(() => nowMs)
    hub.notify('u1', { ...base, jobId: 'before-open', type: 'job-end' })
    nowMs += 10
    const tab = recordingSink()
    hub.attach('u1', tab.sink, null)()
    const fromPosition = recordingSink()
    hub.attach('u1', fromPosition.sink, tab.positions[0]!)()
    expect(fromPosition.received).toEqual([])
    nowMs += 10
    const live = recordingSink()
    const detach = hub.attach('u1', live.sink, tab.positions[0]!)
    hub.notify('u1', { ...base, jobId: 'seen', type: 'job-end' })
    detach()
    const fromSeen = recordingSink()
    hub.attach('u1', fromSeen.sink, live.received.at(-1)!.id)
    expect(fromSeen.received).toEqual([])
  })

  it('from an id it never gave, an instance replays what it notified within the margin before it, not older', () => {
    let nowMs = 1_000_000
    const hub = new NotificationHub(() => nowMs)
    hub.notify('u1', { ...base, jobId: 'long-before', type: 'job-end' })
    nowMs += NOTIFICATION_REPLAY_SKEW_MS
    hub.notify('u1', { ...base, jobId: 'within-skew', type: 'job-end' })
    const back = recordingSink()
    hub.attach('u1', back.sink, nowMs + 1)
    expect(back.received.map(item => item.jobId)).toEqual(['within-skew'])
  })
})
