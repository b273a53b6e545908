/**
 * The engine's reads of a user's lists — jobs (a page at a time), threads, and the jobs of a
 * thread this instance runs — each with the live state of the runs this instance owns laid over
 * the stored records (job-access.ts), so every list agrees with `GET /api/jobs/:id`.
 */
import type { ThreadPageAnswer } from '../../shared/api-types'
import { ACTIVE_STATUSES } from '../../shared/events'
import type { JobSummary, ListJobsFilter } from './engine-types'
import { InvalidRequestError } from './errors'
import type { JobRun } from './job-run'
import type { JobPageView } from './job-page'
import { readJobPage } from './job-page'
import { runningHere } from './job-access'
import { summarize } from './job-summary'
import { localThreadRuns } from './local-read'
import type { JobListBound, JobProvider, JobRecord, ThreadCursor } from './providers/types'
import { decodeThreadCursor } from './thread-cursor'
import { summarizeThreadPage } from './thread-summary'

/**
 * Where a thread page starts: `next` as a page answered it (a string), or its decoded position.
 * An app's route passing the string back got an empty page when it was taken as a position.
 */
function threadPosition(before: ThreadCursor | string | null | undefined): ThreadCursor | null {
  if (typeof before !== 'string') return before ?? null
  const position = decodeThreadCursor(before)
  if (!position) throw new InvalidRequestError('before: is not a cursor this server made: pass the `next` of the previous page as it is')
  return position
}

/**
 * An app route's `limit` (the HTTP routes check theirs, with a maximum): a whole number of at least
 * 1. Unchecked, `2.5` made a job page throw a TypeError and `0` a thread page that claimed the end.
 */
function checkedLimit<Limit extends number | undefined>(limit: Limit): Limit {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new InvalidRequestError(`limit: must be a whole number of at least 1, got ${String(limit)}`)
  return limit
}

/** What the listing reads from. */
export interface EngineListingOptions {
  provider: JobProvider
  runs: Map<string, JobRun>
  withLiveState: (record: JobRecord) => JobRecord
  /** Throws when the layer is switched off. */
  assertEnabled: () => void
}

/** Creates the engine's list reads. */
export function createEngineListing({ provider, runs, withLiveState, assertEnabled }: EngineListingOptions) {
  const summarizeLive = (record: JobRecord) => summarize(withLiveState(record))

  /** The provider's filter: a `before` of null (a page's `next` at the end, passed on) is none. */
  function providerFilter(userId: string, { before, ...filter }: ListJobsFilter) {
    checkedLimit(filter.limit)
    return { ...filter, userId, ...(before ? { before } : {}) }
  }

  /**
   * Lists show, and filter by, the live status of the runs here (job-page.ts): while one of the
   * user's jobs runs here, its stored status may be any active one whatever it shows.
   */
  function pageView(userId: string): JobPageView {
    const runsHere = [...runs.keys()].some(id => runningHere(runs, id)?.record.userId === userId)
    return { show: withLiveState, widen: runsHere ? ACTIVE_STATUSES : [] }
  }

  /**
   * The user's jobs, newest first (the newest page of `filter`), as records with the live state
   * laid over: for a reader that needs more of each job than its summary, without reading each
   * record again. A chat's request may hold its last user message only (`JobProvider.list`).
   */
  async function listJobRecords(userId: string, filter: ListJobsFilter = {}): Promise<JobRecord[]> {
    assertEnabled()
    return (await readJobPage(provider, providerFilter(userId, filter), pageView(userId))).records
  }

  return {
    /** The user's jobs, newest first (the newest page of `filter`). */
    async listJobs(userId: string, filter: ListJobsFilter = {}): Promise<JobSummary[]> {
      return (await listJobRecords(userId, filter)).map(summarize)
    },

    listJobRecords,

    /**
     * A page of the user's jobs, newest first, after `filter.before` when given; `next` is where the
     * next (older) page starts, null when no older matching job exists (job-page.ts).
     */
    async listJobPage(userId: string, filter: ListJobsFilter = {}): Promise<{ jobs: JobSummary[], next: JobListBound | null }> {
      assertEnabled()
      const page = await readJobPage(provider, providerFilter(userId, filter), pageView(userId))
      return { jobs: page.records.map(summarize), next: page.next }
    },

    /**
     * The user's threads, newest first, a page at a time (thread-summary.ts). `before` is the `next`
     * of the previous page as it came (or its decoded position, as the route passes it).
     */
    async listThreads(userId: string, options: { limit: number, before?: ThreadCursor | string | null }): Promise<ThreadPageAnswer> {
      assertEnabled()
      const page = await provider.listThreads({ userId, limit: checkedLimit(options.limit), before: threadPosition(options.before) })
      return summarizeThreadPage(page, withLiveState)
    },

    /**
     * The user's jobs in thread `threadId` that this instance runs and vouches for (local-read.ts),
     * newest first, read from memory only: empty when it runs none of them (ask `listJobs` then).
     */
    listLocalJobs(userId: string, threadId: string): JobSummary[] {
      assertEnabled()
      return localThreadRuns(runs, userId, threadId).map(run => summarizeLive(run.record))
    },
  }
}
