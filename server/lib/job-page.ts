/**
 * One page of a user's jobs and whether older ones exist: the provider is asked for one job more
 * than the page holds, and a provider returns fewer than asked only when no older matching job
 * exists (the contract's `list`), so `next` is null exactly at the end. Keyset paging on
 * (`createdAt`, `id`): jobs created while a client pages are newer than every page after the
 * first, and a job deleted between two reads moves no other job between pages.
 *
 * A status filter selects by the status the page shows (`show`: the live state of a run here laid
 * over its record), not the stored one, which lags a run here until its writes land: `widen` names
 * the stored statuses such a record may still have, read too and kept only when shown matching.
 * The order does not depend on status, so a job whose status changes between pages is neither
 * skipped nor repeated by the keyset.
 */
import type { JobStatus } from '../../shared/events'
import type { JobListBound, JobListFilter, JobProvider, JobRecord } from './providers/types'

/** The page size when none is asked for. */
export const DEFAULT_PAGE_LIMIT = 50

/** A page of records, newest first. */
export interface JobRecordPage {
  records: JobRecord[]
  /** Pass as `before` to read the next (older) page; null when there is none. */
  next: JobListBound | null
}

/** How a page shows its records, and which other stored statuses may show as a wanted one. */
export interface JobPageView {
  show: (record: JobRecord) => JobRecord
  widen: readonly JobStatus[]
}

const asStored: JobPageView = { show: record => record, widen: [] }

/** Reads the page of `filter` (`before` included), its records as `view` shows them. */
export async function readJobPage(provider: Pick<JobProvider, 'list'>, filter: JobListFilter, view: JobPageView = asStored): Promise<JobRecordPage> {
  const limit = Math.max(1, filter.limit ?? DEFAULT_PAGE_LIMIT)
  const wanted = filter.status
  const status = wanted && [...new Set([...wanted, ...view.widen])]
  const found: JobRecord[] = []
  let before = filter.before
  for (;;) {
    const asked = limit + 1 - found.length
    const records = await provider.list({ ...filter, ...(status ? { status } : {}), ...(before ? { before } : {}), limit: asked })
    for (const record of records) {
      const shown = view.show(record)
      if (!wanted || wanted.includes(shown.status)) found.push(shown)
    }
    const last = records.at(-1)
    if (records.length < asked || found.length > limit || !last) break
    before = { createdAt: last.createdAt, id: last.id }
  }
  if (found.length <= limit) return { records: found, next: null }
  const last = found[limit - 1]!
  return { records: found.slice(0, limit), next: { createdAt: last.createdAt, id: last.id } }
}
