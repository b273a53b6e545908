/**
 * A user's jobs that are still going (a `list` whose statuses are all queued, running or waiting:
 * the client's `listRunning()` after every reload, the AI SDK routes' look for a chat's active job).
 * They are the user's own set, `active:<userId>` — few, bounded by the per-user concurrency limit,
 * and kept in the same script step as every status change — so that set is read, not the whole
 * list of the user's jobs with one record read per job until `limit` active ones were found (a
 * user with none running read every job retention kept).
 */
import { ACTIVE_STATUSES } from '../../../shared/events'
import type { JobStatus } from '../../../shared/events'
import { compareNewestFirst, isAfterBound } from './list-order'
import type { JobListFilter, JobRecord } from './types'

/** Whether a list asks only for jobs still going. */
export function asksOnlyActive(statuses: ReadonlySet<JobStatus> | null): boolean {
  return statuses !== null && [...statuses].every(status => (ACTIVE_STATUSES as readonly JobStatus[]).includes(status))
}

/** Records read at once (a user without a concurrency limit may have many jobs going). */
const READ_AT_ONCE = 200

/** What `list` answers for such a filter, read from the ids of the user's active set. */
export async function listActiveJobs(ids: string[], getListed: (id: string) => Promise<JobRecord | null>, filter: JobListFilter, statuses: ReadonlySet<JobStatus>, limit: number): Promise<JobRecord[]> {
  const records: Array<JobRecord | null> = []
  for (let start = 0; start < ids.length; start += READ_AT_ONCE) records.push(...await Promise.all(ids.slice(start, start + READ_AT_ONCE).map(id => getListed(id))))
  return records.filter((record): record is JobRecord => record !== null
    && statuses.has(record.status)
    && (filter.threadId === undefined || record.threadId === filter.threadId)
    && (filter.messageId === undefined || record.messageId === filter.messageId)
    && isAfterBound(record, filter.before))
    .sort(compareNewestFirst)
    .slice(0, limit)
}
