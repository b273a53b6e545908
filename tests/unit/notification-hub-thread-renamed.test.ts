/**
 * The hub's `thread-renamed`: sent to every stream of the user each time (the same title again
 * too: no job, type and request to dedupe by), and kept in the backlog in place of the thread's
 * earlier one, so a stream that resumes gets the thread's last title only — and none once a job of
 * the thread is deleted (it may have been the last, and the title went with it).
 */
import { describe, expect, it } from 'vitest'
import { NotificationHub } from '../../server/lib/notifications'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'

function recordingSink() {
  const received: JobNotification[] = []
  const sink: NotificationSink = { send: notification => void received.push(notification), comment() {}, close() {} }
  return { sink, received }
}

describe('NotificationHub.threadRenamed', () => {
  it('sends every rename, and a resumed stream gets each thread\'s last title only', () => {
    let now = 1_000
    const hub = new NotificationHub(() => now++)
    const live = recordingSink()
    hub.attach('u1', live.sink, null)
    hub.threadRenamed('u1', 't1', 'One')
    hub.threadRenamed('u1', 't2', 'Other')
    hub.threadRenamed('u1', 't1', 'Two')
    hub.threadRenamed('u1', 't1', 'Two')
    expect(live.received.map(({ type, jobId, threadId, title }) => [type, jobId, threadId, title])).toEqual([
      ['thread-renamed', '', 't1', 'One'],
      ['thread-renamed', '', 't2', 'Other'],
      ['thread-renamed', '', 't1', 'Two'],
      ['thread-renamed', '', 't1', 'Two'],
    ])
    const resumed = recordingSink()
    hub.attach('u1', resumed.sink, 0)
    expect(resumed.received.map(({ threadId, title }) => [threadId, title])).toEqual([['t2', 'Other'], ['t1', 'Two']])
    // Another user hears none of it.
    const other = recordingSink()
    hub.attach('u2', other.sink, 0)
    expect(other.received).toEqual([])
  })

  it('leaves the backlog with a deletion in its thread: a resumed stream is not told a deleted thread\'s title', () => {
    const hub = new NotificationHub(() => 1_000)
    hub.notify('u1', { type: 'job-created', jobId: 'job-1', threadId: 't1', status: 'queued', title: 'Plan a trip' })
    hub.threadRenamed('u1', 't1', 'Secret plans')
    hub.threadRenamed('u1', 't2', 'Kept')
    hub.jobDeleted('u1', 'job-1')
    const resumed = recordingSink()
    hub.attach('u1', resumed.sink, 0)
    expect(resumed.received.map(({ type, threadId, title }) => [type, threadId, title])).toEqual([
      ['thread-renamed', 't2', 'Kept'],
      ['job-deleted', 't1', undefined],
    ])
  })
  it('sends nothing of a rename that comes after the deletion of the job it names (the feed\'s copy of a rename stored before a deletion here)', () => {
    const hub = new NotificationHub(() => 1_000)
    const live = recordingSink()
    hub.attach('u1', live.sink, null)
    hub.jobDeleted('u1', 'job-1', 't1')
    expect(hub.threadRenamed('u1', 't1', 'Secret plans', 'rename-1', 'job-1')).toBe(false)
    // A rename naming a job still there, or none (a server of the version before), is told.
    expect(hub.threadRenamed('u1', 't1', 'Again', 'rename-2', 'job-2')).toBe(true)
    expect(hub.threadRenamed('u1', 't2', 'Older server', 'rename-3', '')).toBe(true)
    const resumed = recordingSink()
    hub.attach('u1', resumed.sink, 0)
    for (const stream of [live, resumed]) {
      expect(stream.received.map(({ type, threadId, title }) => [type, threadId, title])).toEqual([
        ['job-deleted', 't1', undefined],
        ['thread-renamed', 't1', 'Again'],
        ['thread-renamed', 't2', 'Older server'],
      ])
    }
  })
})
