/**
 * The jobs this browser knows of, kept in `localStorage`, so a thread survives the server
 * forgetting it: after a restart of a server with the memory provider, `GET /api/jobs` no longer
 * lists the thread's jobs, yet the thread still shows each turn (its prompt, marked lost, with a
 * retry) instead of "Start a conversation". The server's list always wins for the jobs it has.
 */
import type { JobSummary } from '../../../app/lib/api-types'
import { isTerminalStatus } from '../../../shared/events'
import { storedList } from './stored-list'

const STORAGE_KEY = 'background-jobs-demo:known-jobs'
/** Oldest entries are dropped past this many. */
export const KNOWN_JOBS_MAX = 300

/** A job of a thread as the demo shows it: the server's summary, or this browser's memory of one the server no longer has. */
export type ThreadJob = JobSummary & {
  /** The server's list does not have it (lost in a restart, or past retention). */
  missing?: boolean
}

// Storage full or disabled: threads then last as long as the server keeps them.
const { read, write } = storedList<JobSummary>(STORAGE_KEY, KNOWN_JOBS_MAX)

/**
 * Remembers (or updates) jobs with a thread. A summary older than the one kept never replaces it:
 * a list read before a job ended (the page's copy, written back when the list changes) must not
 * turn an ended job into a running one — after a restart it would then show as cut off.
 */
export function rememberJobs(jobs: readonly JobSummary[]): void {
  const withThread = jobs.filter(job => job.threadId)
  if (!withThread.length) return
  const kept = new Map(read().map(job => [job.id, job]))
  const newer = withThread.filter((job) => {
    const before = kept.get(job.id)
    return !before || !isNewer(before, job)
  })
  if (!newer.length) return
  const ids = new Set(newer.map(job => job.id))
  write([...read().filter(job => !ids.has(job.id)), ...newer])
}

/** True when `kept` is a later state of the job than `incoming` (it ended, or its log went further). */
function isNewer(kept: JobSummary, incoming: JobSummary): boolean {
  const [keptEnded, incomingEnded] = [isTerminalStatus(kept.status), isTerminalStatus(incoming.status)]
  if (keptEnded !== incomingEnded) return keptEnded
  return kept.lastSeq > incoming.lastSeq
}

/** Forgets a job (the user removed a lost turn, or retried it). */
export function forgetJob(jobId: string): void {
  write(read().filter(job => job.id !== jobId))
}

/** The jobs this browser knows of, optionally of one thread. */
export function knownJobs(threadId?: string): JobSummary[] {
  const jobs = read()
  return threadId ? jobs.filter(job => job.threadId === threadId) : jobs
}

/** The server's jobs, plus the known ones it no longer lists (marked `missing`). */
export function mergeKnownJobs(serverJobs: readonly JobSummary[], known: readonly JobSummary[]): ThreadJob[] {
  const onServer = new Set(serverJobs.map(job => job.id))
  return [...serverJobs, ...known.filter(job => !onServer.has(job.id)).map(job => ({ ...job, missing: true }))]
}

/** Forgets every job of a thread (the user deleted it). */
export function forgetThread(threadId: string): void {
  write(read().filter(job => job.threadId !== threadId))
}
