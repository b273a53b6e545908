/**
 * A resume position ahead of the instance's clock (beyond the skew margin): an id from an instance
 * whose clock ran ahead, or from before this one's clock was set back. The stream resumed "after"
 * it, with no new position: a tab that heard nothing more before its next break came back with the
 * same id, and what the instance notified meanwhile (smaller ids) was never replayed. It is now
 * answered as a fresh stream (a `stream-start` of this instance), which the next resume can place.
 */
import { describe, expect, it } from 'vitest'
import { NOTIFICATION_REPLAY_SKEW_MS, NotificationHub } from '../../server/lib/notifications'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'

function recordingSink() {
  const received: JobNotification[] = []
  const positions: number[] = []
  let last: number | null = null
  const sink: NotificationSink = {
    send: (notification) => {
      received.push(notification)
      last = notification.id
    },
    position: (id) => {
      positions.push(id)
      last = id
    },
    comment() {},
    close() {},
  }
  return { sink, received, positions, last: () => last }
}

const base = { threadId: null, title: 'hi' }

describe('a resume position ahead of the instance\'s clock', () => {
  it('a tab back with an id a minute ahead, then broken again, still hears what ended in between', () => {
    let nowMs = 1_764_500_000_000
    const hub = new NotificationHub(() => nowMs)
    const ahead = nowMs + 60_000
    const tab = recordingSink()
    const detach = hub.attach('u1', tab.sink, ahead)
    // The stream breaks again before anything is notified.
    nowMs += 500
    detach()
    nowMs += 500
    hub.notify('u1', { ...base, jobId: 'meanwhile', type: 'job-end', status: 'completed' })
    nowMs += 500
    const back = recordingSink()
    hub.attach('u1', back.sink, tab.last() ?? ahead)
    expect(back.received.map(item => item.jobId)).toEqual(['meanwhile'])
  })

  it('an id ahead by no more than the skew margin is still a position (no stream-start)', () => {
    const nowMs = 1_764_500_000_000
    const hub = new NotificationHub(() => nowMs)
    const tab = recordingSink()
    hub.attach('u1', tab.sink, nowMs + NOTIFICATION_REPLAY_SKEW_MS)
    expect(tab.positions).toEqual([])
  })
})
