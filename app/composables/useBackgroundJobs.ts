/**
 * The user's jobs: start one, list them, and find the running ones to reattach to after a reload or
 * on returning to a thread (mount a `useBackgroundJob` for each id it returns).
 */
import type { JobStatus } from '../../shared/events'
import type { JobSummary, StartJobRequest, StartedJob } from '../lib/api-types'
import { withApiError } from '../lib/api-error'
import { assertJobId } from '../lib/job-id'
import { rememberPrompt } from '../lib/prompt-cache'

/** Filters of `list`. */
export interface JobListQuery {
  status?: JobStatus[]
  threadId?: string
  messageId?: string
  /** @default the server's (50) */
  limit?: number
}

/** Statuses of a job still going. */
export const ACTIVE_JOB_STATUSES: JobStatus[] = ['queued', 'running', 'waiting']

/** Network errors and 5xx are retried this many times, with the same idempotency key. */
const START_RETRIES = 2

/** A random id (threads, idempotency keys) that also works outside secure contexts. */
export function createClientId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
}

/** Starts and lists the user's background jobs. */
export function useBackgroundJobs() {
  const requestFetch = useJobsFetch()

  /** The user's jobs, newest first. */
  async function list(query: JobListQuery = {}): Promise<JobSummary[]> {
    const params: Record<string, string> = {}
    if (query.status?.length) params.status = query.status.join(',')
    if (query.threadId) params.threadId = query.threadId
    if (query.messageId) params.messageId = query.messageId
    if (query.limit) params.limit = String(query.limit)
    const response = await withApiError(() => requestFetch<{ jobs: JobSummary[] }>('/api/jobs', { query: params }))
    return response.jobs
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
    const started = await withApiError(() => $fetch<StartedJob>('/api/jobs', {
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
    const response = await withApiError(() => $fetch<{ job: JobSummary }>(`/api/jobs/${encodeURIComponent(jobId)}/abort`, { method: 'POST' }))
    return response.job
  }

  return { list, listRunning, start, abort }
}
