/**
 * The jobs an edit took out of the main chat's view, as ChatGPT does: the turns an edit of an
 * earlier message dropped, and a message's answers before its newest answer in place (an edit or
 * a regeneration: an answer again from the AI SDK route, which the main chat's Edit posts to:
 * lib/message-edit.ts). Both are
 * out of the conversation (`currentTurns`, shared/current-turns.ts), for every tab and after a
 * reload. An answer a main-chat Retry or Regenerate replaced stays, marked "answered again below"
 * (lib/out-of-conversation.ts): the new answer goes last, the turns between kept.
 */
import { currentTurns } from '../../../shared/current-turns'
import type { ThreadJob } from './known-jobs'
import { sortOldestFirst } from './threads'

/** The ids of `jobs` (the thread's jobs, any order) not to show. Workflows and lost jobs are never hidden. */
export function editedAway(jobs: readonly ThreadJob[]): Set<string> {
  const chat = sortOldestFirst(jobs.filter(job => job.type === 'chat' && !job.missing))
  const hidden = new Set(chat.map(job => job.id))
  for (const turn of currentTurns(chat)) {
    // The newest answer in place (an edit, an AI SDK regeneration): the answers before it go with the old message.
    const inPlace = turn.findLastIndex((job, index) => index > 0 && job.startedBy !== 'jobs')
    for (const job of turn.slice(Math.max(inPlace, 0))) hidden.delete(job.id)
  }
  return hidden
}
