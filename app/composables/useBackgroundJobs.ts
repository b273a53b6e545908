/**
 * The user's jobs: start one, list them, find the running ones to reattach to after a reload or
 * on returning to a thread (mount a `useBackgroundJob` for each id it returns), abort and delete them.
 * A job deleted by this tab, or elsewhere while a `useJobNotifications` stream is open (its
 * `job-deleted`), or lost by the server's job store (`job-lost`), is left out of `list` from then
 * on and announced to `onDeleted` listeners.
 */
import { getCurrentInstance, onBeforeUnmount } from 'vue'
import type { JobStatus } from '../../shared/events'
import { ACTIVE_STATUSES } from '../../shared/events'
import type { DeleteJobAnswer, DeleteThreadResult, JobListPage, JobSummary, RenamedThread, StartJobRequest, StartedJob, ThreadPageAnswer } from '../lib/api-types'
import { apiErrorStatus, BackgroundJobsApiError, withApiError } from '../lib/api-error'
import type { DeletedJobListener } from '../lib/deleted-jobs'
import { deletedJobs } from '../lib/deleted-jobs'
import { assertJobId } from '../lib/job-id'
import { forgetPrompt, rememberPrompt } from '../lib/prompt-cache'
import type { DeleteJobOptions, JobDeletionRequests } from '../lib/job-deletion'
import { deleteJobWhenEnded, deleteThreadJobs } from '../lib/job-deletion'
import { waitForJobEnd } from '../lib/wait-for-end'
import { underAppBase } from '../../shared/app-base'

/** Filters of `list`. */
export interface JobListQuery {
  status?: JobStatus[]
  threadId?: string
  messageId?: string
  /** @default the server's (50) */
  limit?: number
}

/** Filters of `listPage`: those of `list`, and where the page starts. */
export interface JobPageQuery extends JobListQuery {
  /** The `next` of the previous page, as it came; without it (or null), the newest page. */
  before?: string | null
}

/** Options of `listThreads`. */
export interface ThreadListQuery {
  /** Threads per page (1–100). @default the server's (20) */
  limit?: number
  /** The `next` of the previous page, as it came: the page after it. */
  before?: string | null
}

/** Statuses of a job still going. */
export const ACTIVE_JOB_STATUSES: JobStatus[] = [...ACTIVE_STATUSES]

/** Network errors and 5xx are retried this many times, with the same idempotency key. */
const START_RETRIES = 2

/** A random id (threads, idempotency keys) that also works outside secure contexts. */
export function createClientId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
}

/** Starts and lists the user's background jobs. */
export function useBackgroundJobs() {
  // Every request goes through it: during SSR it carries the page's cookie (the global `$fetch`
  // calls the API with no request headers, i.e. as another, new user).
  const requestFetch = useJobsFetch()
  /** The app's base path: `$fetch` adds it by itself, the stream `remove({ abort })` waits on needs it. */
  const appBase = underAppBase(useRuntimeConfig().app.baseURL, '')

  /** The user's jobs, newest first (the newest page of `listPage`). */
  async function list(query: JobListQuery = {}): Promise<JobSummary[]> {
    return (await listPage(query)).jobs
  }

  /**
   * A page of the user's jobs, newest first, and the cursor of the next (older) page: pass `next`
   * back as `before` (null when nothing older matches). Pages never skip or repeat a job, also
   * when jobs are started or deleted between two reads.
   */
  async function listPage(query: JobPageQuery = {}): Promise<JobListPage> {
    const params: Record<string, string> = {}
    if (query.status?.length) params.status = query.status.join(',')
    if (query.threadId) params.threadId = query.threadId
    if (query.messageId) params.messageId = query.messageId
    if (query.limit) params.limit = String(query.limit)
    if (query.before) params.before = query.before
    const response = await withApiError(() => requestFetch<JobListPage>('/api/jobs', { query: params }))
    // A list read while a delete was on its way may still have the job.
    return { jobs: deletedJobs.without(response.jobs), next: response.next ?? null }
  }

  /**
   * The user's threads (jobs sharing a `threadId`), newest first, a page at a time: pass the
   * answer's `next` as `before` for older threads (`next` is null after the last page).
   */
  async function listThreads(query: ThreadListQuery = {}): Promise<ThreadPageAnswer> {
    const params: Record<string, string> = {}
    if (query.limit) params.limit = String(query.limit)
    if (query.before) params.before = query.before
    const page = await withApiError(() => requestFetch<ThreadPageAnswer>('/api/jobs/threads', { query: params }))
    // A page read while a delete was on its way may still show the thread's deleted last job.
    return { ...page, threads: page.threads.filter(thread => !deletedJobs.has(thread.lastJob.id)) }
  }

  /**
   * Gives one of the user's threads a title (`PATCH /api/jobs/threads/:threadId`): resolves with the
   * title as the server stored it (trimmed); the user's other tabs learn it from their notification
   * stream (`thread-renamed`). Rejects with a `BackgroundJobsApiError`: 400 for a title the server
   * refuses (blank, over 120 characters, a control character: `thread-title.ts`' rules), 404 for a
   * thread the user does not have (deleted meanwhile).
   */
  async function renameThread(threadId: string, title: string): Promise<RenamedThread> {
    if (typeof threadId !== 'string' || threadId.trim() === '') throw new TypeError('useBackgroundJobs().renameThread: the thread id must be a non-empty string')
    return await withApiError(() => requestFetch<RenamedThread>(`/api/jobs/threads/${encodeURIComponent(threadId)}`, { method: 'PATCH', body: { title } }))
  }

  /** The jobs still going (optionally of one thread): the ones to reattach to. */
  function listRunning(query: Omit<JobListQuery, 'status'> = {}): Promise<JobSummary[]> {
    return list({ ...query, status: ACTIVE_JOB_STATUSES })
  }

  /**
   * Starts a job. A retry after a network error or 5xx reuses the same `Idempotency-Key`, so it
   * never starts the job twice. Rejects with a `BackgroundJobsApiError` (the server's message and status). `prompt` (chat jobs) is remembered in this browser for the thread view.
   */
  async function start(request: StartJobRequest, options: { idempotencyKey?: string, prompt?: string } = {}): Promise<StartedJob> {
    const idempotencyKey = options.idempotencyKey ?? createClientId()
    const started = await withApiError(() => requestFetch<StartedJob>('/api/jobs', {
      method: 'POST',
      body: request,
      headers: { 'Idempotency-Key': idempotencyKey },
      retry: START_RETRIES,
      retryStatusCodes: [408, 500, 502, 504],
    }))
    if (options.prompt) rememberPrompt(started.id, options.prompt)
    return started
  }

  /** Stops a job (idempotent; partial content is kept). Resolves with its summary. */
  async function abort(jobId: string): Promise<JobSummary> {
    assertJobId(jobId, 'useBackgroundJobs().abort')
    const response = await withApiError(() => requestFetch<{ job: JobSummary }>(`/api/jobs/${encodeURIComponent(jobId)}/abort`, { method: 'POST' }))
    return response.job
  }

  /** Forgets a deleted job in this tab (on the server there is no tab: the store would be shared by every request). */
  function recordDeleted(jobId: string, threadId: string | null): void {
    forgetPrompt(jobId)
    if (!import.meta.server) deletedJobs.add({ jobId, threadId, origin: 'here' })
  }

  /** `DELETE /api/jobs/:id`, its answer mapped: 204 deleted, 404 gone, 409 still active. */
  async function requestDelete(jobId: string, threadId: string | null = null): Promise<DeleteJobAnswer> {
    // The server tells the notification stream before it answers: that `job-deleted` is this tab's.
    const done = import.meta.server ? () => {} : deletedJobs.deletingHere(`job:${jobId}`)
    try {
      await requestFetch(`/api/jobs/${encodeURIComponent(jobId)}`, { method: 'DELETE' })
      recordDeleted(jobId, threadId)
      return 'deleted'
    }
    catch (error) {
      const status = apiErrorStatus(error)
      if (status === 404) {
        recordDeleted(jobId, threadId)
        return 'gone'
      }
      if (status === 409) return 'active'
      throw new BackgroundJobsApiError(error)
    }
    finally {
      done()
    }
  }

  /** `DELETE /api/jobs?threadId=`: every ended job of the thread in one request. */
  async function requestDeleteThread(threadId: string): Promise<DeleteThreadResult> {
    const done = import.meta.server ? () => {} : deletedJobs.deletingHere(`thread:${threadId}`)
    try {
      const result = await withApiError(() => requestFetch<DeleteThreadResult>('/api/jobs', { method: 'DELETE', query: { threadId } }))
      for (const jobId of result.deleted) recordDeleted(jobId, threadId)
      return result
    }
    finally {
      done()
    }
  }

  const deletion: JobDeletionRequests = {
    deleteJob: jobId => requestDelete(jobId),
    deleteThread: requestDeleteThread,
    abort,
    waitForEnd: jobId => waitForJobEnd(jobId, { baseUrl: appBase }),
  }

  /**
   * Deletes a job with everything the server holds of it (prompt, answer, events). Only a job that
   * has ended can be deleted: one still going rejects with `JobStillActiveError`, unless
   * `{ abort: true }`, which aborts it, waits for its end and then deletes it. Resolves `true` when
   * deleted now, `false` when it was already gone; other failures reject with a `BackgroundJobsApiError`.
   */
  async function remove(jobId: string, options: DeleteJobOptions = {}): Promise<boolean> {
    assertJobId(jobId, 'useBackgroundJobs().remove')
    return await deleteJobWhenEnded(jobId, deletion, options)
  }

  /**
   * Deletes every job of a thread (a conversation): running ones are aborted first and deleted once
   * they have ended. Resolves with how many jobs were deleted.
   */
  async function removeThread(threadId: string): Promise<number> {
    if (typeof threadId !== 'string' || threadId.trim() === '') throw new TypeError('useBackgroundJobs().removeThread: the thread id must be a non-empty string')
    return await deleteThreadJobs(threadId, deletion)
  }

  /**
   * Calls `listener` for each job deleted from now on — by this tab (`origin: 'here'`) or, while a
   * `useJobNotifications` stream is open, anywhere else (`'elsewhere'`), or lost by the server's
   * job store before it ended (`'lost'`: nobody deleted it; say so, not "deleted") — once per job. Stops when
   * the calling component unmounts; returns a function that stops it earlier. A no-op on the server.
   */
  function onDeleted(listener: DeletedJobListener): () => void {
    // The store is the tab's; on the server it would outlive the request (no unmount runs there).
    if (import.meta.server) return () => {}
    const stop = deletedJobs.subscribe(listener)
    if (getCurrentInstance()) onBeforeUnmount(stop)
    return stop
  }

  return { list, listPage, listThreads, renameThread, listRunning, start, abort, remove, removeThread, onDeleted }
}
