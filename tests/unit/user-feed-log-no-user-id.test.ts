/**
 * The notification feed's failure lines (a job of another instance whose notification, deletion or
 * re-read question failed) carried the user's id, which no other line does (docs/logs.md: a
 * user id is personal data, an e-mail address for many apps). They name the job, which is enough
 * to find it.
 */
import { describe, expect, it, vi } from 'vitest'
import type { ChangedJobRecord, JobProvider } from '../../server/lib/providers/types'
import type { JobNotification } from '../../server/lib/notifications'
import { createTimerSet } from '../../server/lib/timers'
import { createUserFeed } from '../../server/lib/user-feed'

const USER = 'person@example.com'

function feedWithFailures() {
  const lines: Array<{ message: string, fields?: Record<string, unknown> }> = []
  const log = (message: string, fields?: Record<string, unknown>) => {
    lines.push({ message, fields })
  }
  let deliver: (records: ChangedJobRecord[]) => void = () => {}
  let deleted: (jobId: string) => void = () => {}
  const provider = {
    subscribeUserJobs: (_userId: string, listener: (records: ChangedJobRecord[]) => void, options?: { onDeleted?: (jobId: string) => void }) => {
      deliver = listener
      deleted = options!.onDeleted!
      return () => {}
    },
    getState: async () => {
      throw new Error('store down')
    },
  } as unknown as JobProvider
  const fail = () => {
    throw new Error('hub failed')
  }
  const follow = createUserFeed({ provider, notify: fail, jobDeleted: fail, inputSettled: fail, now: () => 1_000, logger: { info: log, warn: log, error: log }, timers: createTimerSet(), isLocal: () => false })!
  return { follow, lines, deliver: (records: ChangedJobRecord[]) => deliver(records), deleted: (jobId: string) => deleted(jobId) }
}

const record = { id: 'job-1', userId: USER, type: 'chat', status: 'running', threadId: 't', messageId: null, title: 'x', createdAt: 2_000, updatedAt: 2_000, endedAt: null, lastSeq: 1 } as unknown as ChangedJobRecord

describe('the user feed\'s failure lines', () => {
  it('name the job, never the user', async () => {
    const feed = feedWithFailures()
    const stop = feed.follow(USER)
    feed.deliver([record])
    feed.deleted('job-2')
    await feed.follow.recheck!(USER, [{ type: 'input-request', jobId: 'job-3', threadId: 't', title: 'x', requestId: 'r', id: 1, at: 1 } as JobNotification])
    await vi.waitFor(() => expect(feed.lines).toHaveLength(3))
    stop()
    expect(feed.lines.map(line => line.message).sort()).toEqual(['a deletion from another instance failed', 'a notification from another instance failed', 'a question of another instance could not be read again'])
    expect(feed.lines.map(line => line.fields?.jobId).sort()).toEqual(['job-1', 'job-2', 'job-3'])
    expect(JSON.stringify(feed.lines.map(line => ({ ...line.fields, error: String(line.fields?.error) })))).not.toContain(USER)
  })
})
