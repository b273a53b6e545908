/**
 * What `GET /api/jobs/threads` answers from a provider's page of threads: the records with the
 * live state of the runs this instance owns laid over them (as `GET /api/jobs` does), so both
 * routes agree on a job's status.
 */
import type { ThreadPageAnswer, ThreadSummary } from '../../shared/api-types'
import { isTerminalStatus } from '../../shared/events'
import { summarize } from './job-summary'
import type { JobRecord, StoredThread, ThreadPage } from './providers/types'
import { encodeThreadCursor } from './thread-cursor'

/** A thread as clients see it. */
export function summarizeThread(thread: StoredThread, withLiveState: (record: JobRecord) => JobRecord): ThreadSummary {
  const active = thread.active.map(withLiveState).filter(record => !isTerminalStatus(record.status))
  return {
    threadId: thread.threadId,
    title: thread.title ?? thread.first.title,
    renamed: thread.title !== undefined,
    createdAt: thread.first.createdAt,
    lastJob: summarize(withLiveState(thread.last)),
    active: active.length > 0,
    waiting: active.some(record => record.status === 'waiting'),
  }
}

/** A page as clients see it, with its opaque `next` cursor. */
export function summarizeThreadPage(page: ThreadPage, withLiveState: (record: JobRecord) => JobRecord): ThreadPageAnswer {
  return {
    threads: page.threads.map(thread => summarizeThread(thread, withLiveState)),
    next: page.next ? encodeThreadCursor(page.next) : null,
  }
}
