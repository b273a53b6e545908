/**
 * The hub's `job-lost` (the store lost a job that had not ended): like a deletion, it replaces the
 * job's earlier notifications in the backlog (a reconnect is not asked again, nor told the job is
 * running) and nothing more of the job is sent after it; unlike one, it keeps the job's title,
 * so a tab can say which job was lost. An instance told by the feed (no title, no thread) takes
 * them from the job's earlier notifications.
 */
import { describe, expect, it } from 'vitest'
import { NotificationHub } from '../../server/lib/notifications'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'

function recordingSink() {
  const received: JobNotification[] = []
  const sink: NotificationSink = { send: notification => void received.push(notification), comment() {}, close() {} }
  return { sink, received }
}

describe('NotificationHub.jobLost', () => {
  it('replaces the job\'s earlier notifications, keeps thread and title from them, once, and nothing of the job follows', () => {
    const hub = new NotificationHub(() => 1_000)
    hub.notify('u1', { type: 'job-created', jobId: 'job-1', threadId: 't1', status: 'queued', title: 'Plan a trip' })
    hub.notify('u1', { type: 'input-request', jobId: 'job-1', threadId: 't1', status: 'waiting', title: 'Plan a trip', requestId: 'r1', prompt: 'Go on?' })
    hub.notify('u1', { type: 'job-created', jobId: 'job-2', threadId: null, status: 'queued', title: 'other' })
    expect(hub.jobLost('u1', 'job-1')).toBe(true)
    // Once per job: the owner tells it, and its feed tells it again.
    expect(hub.jobLost('u1', 'job-1', { threadId: 't1', title: 'Plan a trip' })).toBe(false)
    expect(hub.notify('u1', { type: 'job-end', jobId: 'job-1', threadId: 't1', status: 'failed', title: 'Plan a trip' })).toBe(false)
    expect(hub.jobDeleted('u1', 'job-1')).toBe(false)
    const { sink, received } = recordingSink()
    hub.attach('u1', sink, 0)
    expect(received.map(item => [item.type, item.jobId])).toEqual([['job-created', 'job-2'], ['job-lost', 'job-1']])
    expect(received[1]).toEqual({ id: expect.any(Number), at: 1_000, type: 'job-lost', jobId: 'job-1', threadId: 't1', title: 'Plan a trip' })
  })

  it('the owner\'s thread and title win; with nothing known, neither is made up', () => {
    const hub = new NotificationHub(() => 1_000)
    const { sink, received } = recordingSink()
    hub.attach('u1', sink, null)
    hub.jobLost('u1', 'job-1', { threadId: 't9', title: 'Known' })
    hub.jobLost('u1', 'job-2')
    expect(received.map(({ type, jobId, threadId, title }) => ({ type, jobId, threadId, title }))).toEqual([
      { type: 'job-lost', jobId: 'job-1', threadId: 't9', title: 'Known' },
      { type: 'job-lost', jobId: 'job-2', threadId: null, title: undefined },
    ])
    expect('title' in received[1]!).toBe(false)
  })
})
