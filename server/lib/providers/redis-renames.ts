/**
 * Renames on a user's channel (`user:<userId>`), which otherwise carries job ids: the rename script
 * publishes one (`RENAME_THREAD_SCRIPT`, in the same step as the write, so in order with the
 * thread's deletions) and the user feeds hand it on as `onRenamed` (redis-user-feed.ts). A job
 * id is a UUID, never starting with NUL, so the two cannot be taken for each other. The script
 * also keeps each thread's last rename for `RENAMES_KEEP_MS`, the user's newest `RENAMES_KEPT` at
 * most (`renames:<userId>` thread → message, `renamed:<userId>` thread by time; both lose the
 * thread with its last job), so a feed that starts
 * for a stream resuming after a break, or catches up after a pub/sub outage, reads the renames it
 * missed (`renamedSince`).
 */
import type { ThreadRenamed } from './types'
import { USER_CHANGES_KEEP_MS, USER_CHANGES_KEPT } from './redis-user-changes'

/** What a rename's message starts with (the rename script adds its JSON). */
export const RENAMED_MARK = '\u0000renamed:'

/** How long a user's kept renames outlive their last rename (as the user's recorded changes). */
export const RENAMES_KEEP_MS = USER_CHANGES_KEEP_MS
/** Renames kept per user, the newest (as the user's recorded changes): a stream resuming after a break in which more threads were renamed reads its list for the others. */
export const RENAMES_KEPT = USER_CHANGES_KEPT

/** The last rename of each of the user's threads renamed from `since` (epoch ms) on, oldest first; none of a thread deleted since. */
export async function renamedSince(command: <T>(args: string[]) => Promise<T>, prefix: string, userId: string, since: number): Promise<ThreadRenamed[]> {
  const threads = await command<string[]>(['ZRANGEBYSCORE', `${prefix}renamed:${userId}`, String(since), '+inf'])
  if (threads.length === 0) return []
  // A thread deleted between the two reads has no message left: nothing is told of it.
  const messages = await command<Array<string | null>>(['HMGET', `${prefix}renames:${userId}`, ...threads])
  return messages.map(message => (message === null ? null : parseRenamedMessage(message))).filter(rename => rename !== null)
}

/** The rename a message carries, or null for a job id (or a message this version cannot read). */
export function parseRenamedMessage(message: string): ThreadRenamed | null {
  if (!message.startsWith(RENAMED_MARK)) return null
  try {
    const { threadId, title, renameId, jobId } = JSON.parse(message.slice(RENAMED_MARK.length)) as Partial<ThreadRenamed>
    if (typeof threadId !== 'string' || typeof title !== 'string' || typeof renameId !== 'string') return null
    // No job id: kept or published by a server of the version before.
    return { threadId, title, renameId, jobId: typeof jobId === 'string' ? jobId : '' }
  }
  catch {
    return null
  }
}

/** Whether a message on a user's channel is a rename (read or not): never a job id. */
export const isRenamedMessage = (message: string): boolean => message.startsWith(RENAMED_MARK)
