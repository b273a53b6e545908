/**
 * A stream resuming from before the start of the feed another tab of the user keeps running here:
 * the feed starts again from the stream's position (once: the old one stops), and a stream resuming
 * from within what the feed covers leaves it alone.
 */
import { describe, expect, it } from 'vitest'
import { NotificationHub, NOTIFICATION_REPLAY_SKEW_MS } from '../../server/lib/notifications'
import type { NotificationSink } from '../../server/lib/notifications'

const sink = (): NotificationSink => ({ send() {}, comment() {}, close() {} })

describe('a stream resuming from before the running feed\'s start', () => {
  it('restarts the feed from its position, once, and only when older', () => {
    let clock = 100_000
    const calls: Array<number | undefined> = []
    let running = 0
    const hub = new NotificationHub(() => clock, (_userId, since) => {
      calls.push(since)
      running++
      return () => running--
    })
    // Tab 1 opens fresh: the feed follows from now.
    const detachTab1 = hub.attach('u1', sink(), null)
    expect(calls).toEqual([undefined])
    clock = 110_000
    // Tab 2 resumes from a position (another instance's) before the feed's start.
    const detachTab2 = hub.attach('u1', sink(), 90_000)
    expect(calls).toEqual([undefined, 90_000 - NOTIFICATION_REPLAY_SKEW_MS])
    expect(running).toBe(1)
    expect(hub.feeds).toBe(1)
    // Tab 3 resumes from after it: the running feed covers it.
    const detachTab3 = hub.attach('u1', sink(), 100_000)
    expect(calls).toHaveLength(2)
    detachTab1()
    detachTab2()
    detachTab3()
    expect(running).toBe(0)
  })
})
