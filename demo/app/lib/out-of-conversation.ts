/**
 * Which of a thread's turns the model no longer sees, and why: the main chat shows every job as its
 * log, but only the current turns (`currentTurns`, shared/current-turns.ts) go on as history
 * (`buildHistory`, lib/threads.ts). A turn left out is marked (JobTurn.vue) so the user can tell.
 */
import { currentTurns } from '../../../shared/current-turns'
import type { ThreadJob } from './known-jobs'
import { sortOldestFirst } from './threads'

/** A turn that an edit of an earlier message on /ai-sdk dropped (`currentTurns` no longer has it). */
export const DROPPED_BY_EDIT = 'Not part of the conversation any more — edited on the AI SDK page.'
/** An answer a newer job for the same message replaced (Regenerate, Retry, an edit): only the newest goes on. */
export const ANSWERED_AGAIN = 'Not part of the conversation any more — answered again below.'

/**
 * Why each of `turns` (the thread's jobs, any order) is not part of the conversation the model is
 * sent, by job id; a current turn's newest job is not in the map. Workflows are never chat history
 * and jobs the server no longer lists (`missing`, shown as lost) are left to their own note.
 */
export function outOfConversation(turns: readonly ThreadJob[]): Map<string, string> {
  const chat = sortOldestFirst(turns.filter(job => job.type === 'chat' && !job.missing))
  const notes = new Map<string, string>(chat.map(job => [job.id, DROPPED_BY_EDIT]))
  for (const jobs of currentTurns(chat)) {
    for (const job of jobs.slice(0, -1)) notes.set(job.id, ANSWERED_AGAIN)
    notes.delete(jobs.at(-1)!.id)
  }
  return notes
}
