/**
 * Which of a thread's turns the model no longer sees, and why: the main chat shows every job as its
 * turns, but only each turn's newest version (`currentTurns`, shared/current-turns.ts) goes on as history
 * (`buildHistory`, lib/threads.ts). An earlier version, when the user goes back to it, is marked
 * (JobTurn.vue) so the user can tell; the map also keeps them out of a long thread's next history.
 */
import { currentTurns } from '../../../shared/current-turns'
import type { ThreadJob } from './known-jobs'
import { sortOldestFirst } from './threads'

/** A turn that an edit of an earlier message on /ai-sdk dropped (`currentTurns` no longer has it). */
export const DROPPED_BY_EDIT = 'Not part of the conversation any more — edited on the AI SDK page.'
/**
 * An earlier version of an answer (Regenerate, Retry, an edit made a newer one: lib/answer-versions.ts),
 * shown when the user goes back to it: only the newest version goes on as history.
 */
export const EARLIER_VERSION = 'An earlier version — the conversation goes on with the newest one.'

/**
 * Why each of `turns` (the thread's jobs, any order) is not part of the conversation the model is
 * sent, by job id; a current turn's newest job is not in the map. Workflows are never chat history
 * and jobs the server no longer lists (`missing`, shown as lost) are left to their own note.
 */
export function outOfConversation(turns: readonly ThreadJob[]): Map<string, string> {
  const chat = sortOldestFirst(turns.filter(job => job.type === 'chat' && !job.missing))
  const notes = new Map<string, string>(chat.map(job => [job.id, DROPPED_BY_EDIT]))
  for (const jobs of currentTurns(chat)) {
    for (const job of jobs.slice(0, -1)) notes.set(job.id, EARLIER_VERSION)
    notes.delete(jobs.at(-1)!.id)
  }
  return notes
}
