/**
 * Which chat jobs of a thread longer than the pages the main chat has read are its current turns
 * now. The place-and-drop rule (`currentTurns`, shared/current-turns.ts) replays a thread's jobs
 * in order: read from the newest pages only, an /ai-sdk edit of a message whose first job is on a
 * page not read yet looks like a new message, and the turns the edit dropped would go on as
 * history. Before a message is sent on such a thread, the main chat reads every job summary of
 * the thread (small: no answers), as the AI SDK messages route reads the chat's jobs, and sends
 * only the loaded turns this says are current.
 */
import type { JobListPage, JobSummary } from '../../../app/lib/api-types'
import { currentTurns } from '../../../shared/current-turns'
import { sortOldestFirst } from './threads'

/** Summaries per read: the most the list route gives in one page. */
export const SUMMARY_PAGE_SIZE = 200
/** Jobs of one thread read at most (ten reads), as the AI SDK messages route reads of a chat. */
export const MAX_SUMMARIES_READ = 2_000

/** `useBackgroundJobs().listPage`, as much of it as this needs. */
export type ListThreadPage = (query: { threadId: string, limit: number, before?: string }) => Promise<JobListPage>

/**
 * The ids of the newest job of each current chat turn of `threadId`, read over the thread's jobs
 * (its newest `MAX_SUMMARIES_READ`); rejects when a read fails.
 */
export async function currentChatJobIds(listPage: ListThreadPage, threadId: string): Promise<Set<string>> {
  const jobs: JobSummary[] = []
  let before: string | undefined
  do {
    const page = await listPage({ threadId, limit: SUMMARY_PAGE_SIZE, ...(before ? { before } : {}) })
    jobs.push(...page.jobs)
    before = page.next ?? undefined
  } while (before && jobs.length < MAX_SUMMARIES_READ)
  const chat = sortOldestFirst(jobs.filter(job => job.type === 'chat'))
  return new Set(currentTurns(chat).map(turn => turn.at(-1)!.id))
}
