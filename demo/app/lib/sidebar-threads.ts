/**
 * The sidebar's threads: pages of `GET /api/jobs/threads` (newest first), with the threads this
 * browser remembers (known-jobs.ts) that the server no longer lists merged in where they belong in
 * time. A remembered thread older than the pages loaded so far waits until the user loads them
 * ("Show more threads"): it may be on the server's next page.
 */
import type { JobSummary, ThreadSummary } from '../../../app/lib/api-types'
import { groupThreads } from './threads'
import { plainTitle } from './wording'

/** One entry of the sidebar. */
export interface SidebarThread {
  threadId: string
  title: string
  /** The newest job's creation (epoch ms): the order of the list. */
  newestAt: number
  /** The newest job's last change (epoch ms): the time shown. */
  updatedAt: number
  active: boolean
  waiting: boolean
}

/** The key of the sidebar's list in the app's data (`useAsyncData`): the thread view reads a given title from it. */
export const THREAD_LIST_DATA_KEY = 'background-jobs:threads'

/**
 * The title the user gave thread `threadId` (`renamed`), as the sidebar's list has it; undefined
 * when it has none or the list does not hold the thread.
 */
export function givenThreadTitle(list: { threads: readonly ThreadSummary[] } | null | undefined, threadId: string): string | undefined {
  const thread = list?.threads.find(listed => listed.threadId === threadId)
  return thread?.renamed ? thread.title : undefined
}

/** Threads per page the sidebar asks for. */
export const SIDEBAR_THREADS_PAGE = 20

function compareSidebar(a: SidebarThread, b: SidebarThread): number {
  return b.newestAt - a.newestAt || (a.threadId < b.threadId ? 1 : a.threadId > b.threadId ? -1 : 0)
}

/** Pages joined in order; a thread listed twice (it moved up between two reads) keeps its first, newer entry. */
export function joinThreadPages(pages: ReadonlyArray<readonly ThreadSummary[]>): ThreadSummary[] {
  const seen = new Set<string>()
  const joined: ThreadSummary[] = []
  for (const page of pages) {
    for (const thread of page) {
      if (seen.has(thread.threadId)) continue
      seen.add(thread.threadId)
      joined.push(thread)
    }
  }
  return joined
}

/**
 * The sidebar's list: the server's threads, and the remembered ones it does not list (never
 * active: the server has none of their jobs), the latter only down to the oldest thread loaded
 * unless every page is (`complete`).
 */
export function sidebarThreads(serverThreads: readonly ThreadSummary[], complete: boolean, known: readonly JobSummary[]): SidebarThread[] {
  const listed: SidebarThread[] = serverThreads.map(thread => ({
    threadId: thread.threadId,
    // A title the user gave is shown as typed; a first message's is shown as plain text.
    title: thread.renamed ? thread.title : plainTitle(thread.title) || 'Untitled',
    newestAt: thread.lastJob.createdAt,
    updatedAt: thread.lastJob.updatedAt,
    active: thread.active,
    waiting: thread.waiting,
  }))
  const onServer = new Set(listed.map(thread => thread.threadId))
  const oldestLoaded = listed.at(-1)?.newestAt ?? Number.NEGATIVE_INFINITY
  const forgotten = known.filter(job => job.threadId && !onServer.has(job.threadId))
  for (const thread of groupThreads(forgotten.map(job => ({ ...job, missing: true })))) {
    const newestAt = Math.max(...forgotten.filter(job => job.threadId === thread.threadId).map(job => job.createdAt))
    if (!complete && newestAt < oldestLoaded) continue
    listed.push({ threadId: thread.threadId, title: thread.title, newestAt, updatedAt: thread.updatedAt, active: false, waiting: false })
  }
  return listed.sort(compareSidebar)
}

/**
 * The threads as listed, less the "live" and "needs you" of a newest job whose end this tab has
 * heard (composables/useEndsHeard.ts): the badge goes with the end, not with the next read of the
 * list — which takes a round trip, and one started before the end still says the job runs.
 */
export function withEndsHeard(threads: readonly ThreadSummary[], ended: readonly string[]): readonly ThreadSummary[] {
  if (!threads.some(thread => ended.includes(thread.lastJob.id) && (thread.active || thread.waiting))) return threads
  return threads.map(thread => (ended.includes(thread.lastJob.id) ? { ...thread, active: false, waiting: false } : thread))
}

/**
 * Ends heard worth keeping: those of a thread's newest job in `threads` (a job that ended never
 * runs again, and a read from before its end may still land). One no thread's newest is dropped,
 * so they are never more than the threads listed.
 */
export function endsStillNeeded(threads: readonly ThreadSummary[], ended: readonly string[]): string[] {
  const newest = new Set(threads.map(thread => thread.lastJob.id))
  return ended.filter(id => newest.has(id))
}
