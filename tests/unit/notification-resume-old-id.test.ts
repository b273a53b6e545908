/**
 * A resume position older than `NOTIFICATION_POSITION_MAX_AGE_MS` is no position of this version: an
 * id of the version before notification ids followed the clock (a counter: 1, 2, 3 …) read as a
 * time near 1970 replayed the user's whole backlog as news. It now starts afresh (a `stream-start`,
 * no replay); an old position within it, even one another instance gave, still replays, and 0 still
 * asks for everything held.
 */
import { describe, expect, it } from 'vitest'
import { NotificationHub } from '../../server/lib/notifications'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'

function recordingSink() {
  const received: JobNotification[] = []
  const positions: number[] = []
  const sink: NotificationSink = { send: notification => received.push(notification), position: id => positions.push(id), comment() {}, close() {} }
  return { sink, received, positions }
}

const base = { threadId: null, title: 'hi' }

describe('a resume position from before ids followed the clock', () => {
  it('a counter id of the version before gets a fresh stream, not the backlog', () => {
    let nowMs = 1_764_500_000_000
    const hub = new NotificationHub(() => nowMs)
    hub.notify('u1', { ...base, jobId: 'old', type: 'job-created', status: 'running' })
    hub.notify('u1', { ...base, jobId: 'old', type: 'job-end', status: 'completed' })
    nowMs += 30 * 60_000
    const tab = recordingSink()
    hub.attach('u1', tab.sink, 7)
    expect(tab.received.map(item => item.type)).toEqual([])
    expect(tab.positions).toHaveLength(1)
    hub.notify('u1', { ...base, jobId: 'new', type: 'job-end', status: 'completed' })
    expect(tab.received.map(item => item.jobId)).toEqual(['new'])
    expect(tab.received[0]!.id).toBeGreaterThan(tab.positions[0]!)
  })

  it('a position of another instance from days ago still replays what came after it; 0 replays everything held', () => {
    let nowMs = 1_764_500_000_000
    const hub = new NotificationHub(() => nowMs)
    const position = nowMs - 3 * 24 * 3_600_000
    hub.notify('u1', { ...base, jobId: 'since', type: 'job-end', status: 'completed' })
    nowMs += 1_000
    const tab = recordingSink()
    hub.attach('u1', tab.sink, position)
    expect(tab.received.map(item => item.jobId)).toEqual(['since'])
    expect(tab.positions).toEqual([])
    const all = recordingSink()
    hub.attach('u1', all.sink, 0)
    expect(all.received.map(item => item.jobId)).toEqual(['since'])
    expect(all.positions).toEqual([])
  })
})
