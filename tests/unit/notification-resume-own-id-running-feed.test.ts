/**
 * Two tabs of a user come back at once (a laptop woken, a network blip), each with an id this
 * instance gave it. The first starts the user feed the skew margin before its position (c03e917d:
 * the feed's changes carry other instances' clocks). The second, whose position is older but within
 * that margin of the first's, was taken as covered by the running feed — its own position was
 * compared with the feed's start, not the skew margin before it — so a change of another instance
 * whose clock runs a little behind (4.5 s, within the 5 s docs/api.md allows), made during the
 * second tab's break, never reached it; alone, that tab would have heard of it.
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

/** What another instance changed: stamped by its clock, 4.5 s behind this one. */
interface RemoteChange { stampedAt: number, jobId: string }

describe('a second tab resuming from its own older id while the first one\'s resumed feed runs', () => {
  it('hears of what another instance, its clock a little behind, did during its break', () => {
    let nowMs = 1_764_500_000_000
    const start = nowMs
    const remote: RemoteChange[] = []
    let hub!: NotificationHub
    // The feed: what the other instance changed after `since` (by its stamps), else after now.
    const follow = (userId: string, since?: number) => {
      const from = since ?? nowMs
      for (const change of remote) {
        if (change.stampedAt > from) hub.notify(userId, { type: 'job-created', jobId: change.jobId, threadId: null, title: 'elsewhere', status: 'running' })
      }
      return () => {}
    }
    hub = new NotificationHub(() => nowMs, follow)

    // Tab 2 opens and gets its position; it drops half a second later.
    const tab2 = recordingSink()
    const detach2 = hub.attach('u1', tab2.sink, null)
    nowMs += 500
    detach2()
    // During its break, a job on the other instance is created (stamped 4.5 s behind).
    nowMs += 500
    remote.push({ stampedAt: nowMs - 4_500, jobId: 'elsewhere' })
    // Tab 1 opens a second later, gets its position, and drops too.
    nowMs += 1_000
    const tab1 = recordingSink()
    const detach1 = hub.attach('u1', tab1.sink, null)
    nowMs += 500
    detach1()
    nowMs += 500
    expect(tab2.positions[0]).toBe(start)
    expect(tab1.positions[0]).toBe(start + 2_000)

    // Both come back: tab 1 first, then tab 2 with its older position.
    const back1 = recordingSink()
    hub.attach('u1', back1.sink, tab1.positions[0]!)
    const back2 = recordingSink()
    hub.attach('u1', back2.sink, tab2.positions[0]!)
    expect(back2.received.map(item => item.jobId)).toEqual(['elsewhere'])
  })
})
