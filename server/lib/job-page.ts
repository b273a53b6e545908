/**
 * One page of a user's jobs and whether older ones exist: the provider is asked for one job more
 * than the page holds, and a provider returns fewer than asked only when no older matching job
 * exists (the contract's `list`), so `next` is null exactly at the end. Keyset paging on
 * (`createdAt`, `id`): jobs created while a client pages are newer than every page after the
 * first, and a job deleted between two reads moves no other job between pages.
 */
import type { JobListBound, JobListFilter, JobProvider, JobRecord } from './providers/types'

/** The page size when none is asked for. */
export const DEFAULT_PAGE_LIMIT = 50

/** A page of records, newest first. */
export interface JobRecordPage {
  records: JobRecord[]
  /** Pass as `before` to read the next (older) page; null when there is none. */
  next: JobListBound | null
}

/** Reads the page of `filter` (`before` included). */
export async function readJobPage(provider: Pick<JobProvider, 'list'>, filter: JobListFilter): Promise<JobRecordPage> {
  const limit = Math.max(1, filter.limit ?? DEFAULT_PAGE_LIMIT)
  const records = await provider.list({ ...filter, limit: limit + 1 })
  if (records.length <= limit) return { records, next: null }
  const last = records[limit - 1]!
  return { records: records.slice(0, limit), next: { createdAt: last.createdAt, id: last.id } }
}
