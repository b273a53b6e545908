/**
 * Renames on a user's channel (`user:<userId>`), which otherwise carries job ids: the rename script
 * publishes one (`RENAME_THREAD_SCRIPT`, in the same step as the write, so in order with the
 * thread's deletions) and the user feeds hand it on as `onRenamed` (redis-subscriptions.ts). A job
 * id is a UUID, never starting with NUL, so the two cannot be taken for each other. A rename
 * published while a feed's pub/sub connection was down is not read again (the tab reads the title
 * from its thread list).
 */
import type { ThreadRenamed } from './types'

const RENAMED_MARK = '\u0000renamed:'

/** The message a rename publishes. */
export function renamedMessage(rename: ThreadRenamed): string {
  return RENAMED_MARK + JSON.stringify(rename)
}

/** The rename a message carries, or null for a job id (or a message this version cannot read). */
export function parseRenamedMessage(message: string): ThreadRenamed | null {
  if (!message.startsWith(RENAMED_MARK)) return null
  try {
    const { threadId, title, renameId } = JSON.parse(message.slice(RENAMED_MARK.length)) as Partial<ThreadRenamed>
    return typeof threadId === 'string' && typeof title === 'string' && typeof renameId === 'string' ? { threadId, title, renameId } : null
  }
  catch {
    return null
  }
}

/** Whether a message on a user's channel is a rename (read or not): never a job id. */
export const isRenamedMessage = (message: string): boolean => message.startsWith(RENAMED_MARK)
