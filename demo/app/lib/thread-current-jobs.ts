/**
 * Which chat jobs of a thread longer than the pages the main chat has read are its current turns
 * now. The place-and-drop rule (`currentTurns`, shared/current-turns.ts) replays a thread's jobs
 * in order: read from the newest pages only, an /ai-sdk edit of a message whose first job is on a
 * page not read yet looks like a new message, and the turns the edit dropped would go on as
 * history, unmarked. On such a thread the main chat reads every job summary of the thread (small:
 * no answers), as the AI SDK messages route reads the chat's jobs, when it opens and before each
 * message, and marks and sends the loaded turns by the rule over all of them.
 */
import type { JobListPage, JobSummary } from '../../../app/lib/api-types'
import type { ThreadJob } from './known-jobs'
import { sortOldestFirst } from './threads'

/** Summaries per read: the most the list route gives in one page. */
export const SUMMARY_PAGE_SIZE = 200
/** Jobs of one thread read at most (ten reads), as the AI SDK messages route reads of a chat. */
export const MAX_SUMMARIES_READ = 2_000

/** `useBackgroundJobs().listPage`, as much of it as this needs. */
export type ListThreadPage = (query: { threadId: string, limit: number, before?: string }) => Promise<JobListPage>

/** The thread's job summaries, newest first (its newest `MAX_SUMMARIES_READ`); rejects when a read fails. */
export async function readThreadJobs(listPage: ListThreadPage, threadId: string): Promise<JobSummary[]> {
  const jobs: JobSummary[] = []
  let before: string | undefined
  do {
    const page = await listPage({ threadId, limit: SUMMARY_PAGE_SIZE, ...(before ? { before } : {}) })
    jobs.push(...page.jobs)
    before = page.next ?? undefined
  } while (before && jobs.length < MAX_SUMMARIES_READ)
  return jobs
}

/**
 * What the rule replays: the turns shown (a turn started here, one this browser remembers lost) and
 * the thread's jobs read from before the oldest of them (on pages not loaded). A job read that is
 * among the pages shown but no longer shown (deleted meanwhile) is not brought back.
 */
export function withThreadJobs(turns: readonly ThreadJob[], read: readonly JobSummary[]): ThreadJob[] {
  const oldest = sortOldestFirst(turns)[0]
  if (!oldest) return [...read]
  const isBefore = (job: JobSummary) => job.createdAt < oldest.createdAt || (job.createdAt === oldest.createdAt && job.id < oldest.id)
  return [...turns, ...read.filter(isBefore)]
}
