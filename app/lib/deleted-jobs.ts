/**
 * The jobs this tab knows were deleted: by this tab (`useBackgroundJobs().remove`/`removeThread`)
 * or elsewhere — another tab, another device — as the user's notification stream says
 * (`job-deleted`), and the jobs the server's store lost before they ended (`job-lost`: gone from
 * the server just the same). `useBackgroundJobs().list` leaves them out (a list read while the delete was
 * on its way would bring them back), and listeners (`useBackgroundJobs().onDeleted`) drop them from
 * what they show at once. Each job is announced once, with where the delete came from, so a view
 * can tell "deleted here" from "deleted in another tab". Framework-free, so it is unit-tested.
 */
import { callEachListener } from './call-listeners'
import { createListenerSet } from './listener-set'

/** Deleted job ids remembered at most (oldest forgotten first). */
export const DELETED_JOBS_KEPT = 1_000

/** One deleted job as listeners get it. */
export interface DeletedJob {
  jobId: string
  /** Its thread, when known (the notification or the deleting tab knew it). */
  threadId: string | null
  /**
   * `here`: this tab deleted it; `elsewhere`: the notification stream said so (`job-deleted`);
   * `lost`: nobody deleted it — the server's job store lost it before it ended (`job-lost`).
   */
  origin: 'here' | 'elsewhere' | 'lost'
}

/** A listener of deletions. */
export type DeletedJobListener = (deleted: DeletedJob) => void

/** Creates a store of deleted jobs (the app has one per tab: `deletedJobs`). */
export function createDeletedJobs(kept = DELETED_JOBS_KEPT) {
  const ids = new Set<string>()
  const listeners = createListenerSet<DeletedJob>()
  /** Jobs and threads this tab is deleting now (its DELETE not answered yet), with how many requests. */
  const deleting = new Map<string, number>()

  return {
    /**
     * Records a deletion and tells the listeners, unless the job was known deleted already (the
     * deleting tab hears its own deletion back from the stream: it stays `here`). Returns whether
     * it was new.
     */
    add(deleted: DeletedJob): boolean {
      if (ids.has(deleted.jobId)) return false
      ids.add(deleted.jobId)
      if (ids.size > kept) ids.delete(ids.values().next().value!)
      callEachListener(listeners.snapshot(), deleted, 'onDeleted')
      return true
    },
    /** Marks a job (`job:<id>`) or thread (`thread:<id>`) as being deleted by this tab until `done` is called. */
    deletingHere(key: string): () => void {
      deleting.set(key, (deleting.get(key) ?? 0) + 1)
      let done = false
      return () => {
        if (done) return
        done = true
        const left = deleting.get(key)! - 1
        if (left > 0) deleting.set(key, left)
        else deleting.delete(key)
      }
    },
    /** Where a deletion the stream announced came from: `here` while this tab's DELETE of it is on its way. */
    originOf(jobId: string, threadId: string | null): 'here' | 'elsewhere' {
      return deleting.has(`job:${jobId}`) || (threadId !== null && deleting.has(`thread:${threadId}`)) ? 'here' : 'elsewhere'
    },
    /** True for a job known deleted. */
    has(jobId: string): boolean {
      return ids.has(jobId)
    },
    /** Leaves out the jobs known deleted. */
    without<T extends { id: string }>(jobs: T[]): T[] {
      return ids.size === 0 ? jobs : jobs.filter(job => !ids.has(job.id))
    },
    /** Calls `listener` for each deletion from now on; returns a function that stops it. */
    subscribe(listener: DeletedJobListener): () => void {
      return listeners.add(listener)
    },
    /** Listeners subscribed right now (tests count leaks with it, e.g. after SSR renders). */
    get listenerCount() {
      return listeners.size
    },
    /** Jobs remembered (tests). */
    get size() {
      return ids.size
    },
  }
}

/** This tab's store (client only: on the server each request has nothing to remember). */
export const deletedJobs = createDeletedJobs()
