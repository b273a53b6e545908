/**
 * With a shared store, a user's first notification stream starts following the user's jobs on
 * other instances (`follow`, user-feed.ts: the provider's `subscribeUserJobs`). A follow that threw
 * at once (the client closed, a bug) failed that stream's request but left its sink attached:
 * counted in `notificationSinks` for good and sent every later notification of the user, on a
 * stream already gone. Now the sink is let go of; the next stream attaches and follows as usual.
 * A follow whose stop threw (the client already closed) threw out of the stream's detach and out of
 * the engine's dispose (`closeAll`), which then skipped the rest of the shutdown: it is now stopped
 * all the same.
 */
import { describe, expect, it } from 'vitest'
import type { FollowUser, JobNotification, NotificationSink } from '../../server/lib/notifications'
import { NotificationHub } from '../../server/lib/notifications'

function recordingSink(): NotificationSink & { received: JobNotification[] } {
  const received: JobNotification[] = []
  return { received, send: notification => void received.push(notification), comment() {}, close() {} }
}

describe('a follow of the user\'s jobs elsewhere that throws as a stream attaches', () => {
  it('leaves no sink attached; the next stream follows', () => {
    let throwing = true
    let following = 0
    const follow: FollowUser = () => {
      if (throwing) throw new Error('the subscription client is closed')
      following++
      return () => void following--
    }
    const hub = new NotificationHub(() => 1_000, follow)
    const failed = recordingSink()
    expect(() => hub.attach('u1', failed, null)).toThrow('the subscription client is closed')
    expect([...hub.sinks()]).toEqual([])

    throwing = false
    const sink = recordingSink()
    const detach = hub.attach('u1', sink, null)
    hub.notify('u1', { type: 'job-created', jobId: 'j1', threadId: null, status: 'queued', title: 'hi' })
    expect(sink.received.map(notification => notification.type)).toEqual(['job-created'])
    expect(failed.received).toEqual([])
    expect(following).toBe(1)
    detach()
    expect(following).toBe(0)
    expect(hub.feeds).toBe(0)
  })

  it('a stop that throws: the detach and closeAll go on, the user is let go of', () => {
    const follow: FollowUser = () => () => {
      throw new Error('the subscription client is closed')
    }
    const hub = new NotificationHub(() => 1_000, follow)
    const detach = hub.attach('u1', recordingSink(), null)
    expect(() => detach()).not.toThrow()
    expect(hub.feeds).toBe(0)
    hub.attach('u2', recordingSink(), null)
    hub.attach('u3', recordingSink(), null)
    expect(() => hub.closeAll()).not.toThrow()
    expect(hub.size).toBe(0)
    expect(hub.feeds).toBe(0)
  })
})
