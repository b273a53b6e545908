/**
 * Shapes that cross the wire, shared by the server (which sends them) and the client (which
 * reads them), so the two can never drift apart.
 */
import type { InputRequestKind, JobStatus, JobType } from './events'

/** A job as `GET /api/jobs` lists it (no request body, no lease). */
export interface JobSummary {
  id: string
  type: JobType
  status: JobStatus
  threadId: string | null
  messageId: string | null
  /** A short label: the first words of the prompt, or the workflow name. */
  title: string
  /** Chat jobs: the last user message in full (a thread's history is rebuilt from it). */
  prompt?: string
  /** Chat jobs started by the AI SDK route: the metadata the client put on that message, as sent (absent: none). */
  promptMetadata?: unknown
  /**
   * Chat jobs started by `POST /api/jobs` (as the demo's main chat does): `'jobs'`. An answer there
   * to a message again is a new turn after the others, where an AI SDK route's is an edit in place
   * (shared/current-turns.ts). Absent: started by the AI SDK route, or stored before this field.
   */
  startedBy?: 'jobs'
  /** Workflow jobs: the workflow and the input it was started with (to show it, or start it again). */
  workflow?: { name: string, input: unknown }
  /**
   * The `X-Request-Id` of the request that created the job (the one its answer carried), for an
   * error report: the operator finds the job's log lines by it. Absent for a job created outside a
   * request, or stored before this field. Not an input request's `requestId`.
   */
  requestId?: string
  createdAt: number
  updatedAt: number
  endedAt: number | null
  /** The seq of the last event. */
  lastSeq: number
}

/** What `GET /api/jobs` answers: a page of jobs, newest first. */
export interface JobListPage {
  jobs: JobSummary[]
  /**
   * An opaque cursor: pass it back as `before` for the next (older) page. Null when no older job
   * matches the filters.
   */
  next: string | null
}

/**
 * Event names of the user-level notification stream. `input-answered`: a job's `input-request`
 * (`requestId`) no longer waits — answered on any tab or instance, answered by its timeout, or
 * withdrawn — while the job runs on (`status` is the job's status after it: `running`,
 * or `waiting` while another question of it is open); a job that ends sends `job-end` instead.
 * `job-lost`: the job store no longer has a job that had not ended (a Redis restarted without its
 * data, `FLUSHALL`, an eviction; a Convex document deleted by hand) — its run stopped without an
 * end, and every route answers `404` for it from now on, as after a deletion nobody asked for.
 * `thread-renamed`: the user gave thread `threadId` the title `title` (on any tab); it is about the
 * thread, and its `jobId` names the thread's newest job when it was renamed (`''` when a server of
 * an earlier version stored the rename).
 */
export type NotificationType = 'job-created' | 'job-end' | 'input-request' | 'input-answered' | 'job-deleted' | 'job-lost' | 'thread-renamed'

/**
 * One notification of the user-level stream. `id` grows with each notification and follows the
 * clock (ms), so a reconnect that lands on another server instance resumes in the same order.
 * A `job-deleted` carries no `status` and no `title` (the job and its prompt are gone), and
 * `threadId` only when the server still knew it. A `job-lost` carries no `status` (the job never
 * ended), and its `title` and `threadId` when the server still knew them.
 */
export interface JobNotification {
  id: number
  type: NotificationType
  /** On `thread-renamed`, the thread's newest job when it was renamed (`''` if unknown: a rename stored by an earlier version). */
  jobId: string
  threadId: string | null
  /** Absent on `job-deleted`, `job-lost` and `thread-renamed`. */
  status?: JobStatus
  /** Absent on `job-deleted` (and on a `job-lost` the server knew no title of); a `thread-renamed`'s is the thread's new title. */
  title?: string
  requestId?: string
  prompt?: string
  /**
   * On `input-request`: what the job waits for, as its `input-request` event says — a person's
   * approval (`tool-approval`), a workflow's question (`workflow-input`), or a `runtime: 'client'`
   * tool's output from the browser (`tool-output`: nobody is asked; the app's browser code answers).
   * Absent from a server of an earlier version.
   */
  kind?: InputRequestKind
  at: number
}

/**
 * What `DELETE /api/jobs/:id` answered, as the client reads it: `deleted` (204), `gone` (404: no
 * such job of this user, or already deleted), `active` (409: queued, running or waiting — abort it
 * first). The 409's body is the usual error `{ statusCode, message }`, naming the status.
 */
export type DeleteJobAnswer = 'deleted' | 'gone' | 'active'

/**
 * The body of `DELETE /api/jobs?threadId=…` (200): the ids of the thread's jobs deleted now, the
 * ids of those still going (queued, running, waiting, or ending: abort them and delete again once
 * they have ended), and whether more ended jobs are left than one request deletes (call again).
 */
export interface DeleteThreadResult {
  deleted: string[]
  active: string[]
  more: boolean
}

/**
 * A thread as `GET /api/jobs/threads` lists it: the user's jobs that share a `threadId`, told by
 * its first (oldest) and last (newest) job, and whether any of its jobs is still going.
 */
export interface ThreadSummary {
  threadId: string
  /** The title the user gave the thread (`PATCH /api/jobs/threads/:threadId`), else its first job's. */
  title: string
  /** `title` is one the user gave the thread (shown as typed), not its first job's. */
  renamed: boolean
  /** When the thread's first job was created. */
  createdAt: number
  /** The thread's newest job (it orders the threads: `lastJob.createdAt`). */
  lastJob: JobSummary
  /** Some job of the thread is queued, running or waiting. */
  active: boolean
  /** Some job of the thread waits for an answer (tool approval, workflow input). */
  waiting: boolean
}

/** What `PATCH /api/jobs/threads/:threadId` answers (200): the thread and its title as stored (trimmed). */
export interface RenamedThread {
  threadId: string
  title: string
}

/** The body of `GET /api/jobs/threads`: a page of threads, and the `before` of the next page (null at the end). */
export interface ThreadPageAnswer {
  threads: ThreadSummary[]
  next: string | null
}
