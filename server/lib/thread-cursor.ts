/**
 * The `next` / `before` cursor of `GET /api/jobs/threads`: the same opaque keyset cursor as
 * `GET /api/jobs` (list-cursor.ts), holding the newest job time and the thread id of the last
 * thread of a page (thread-order.ts).
 */
import { decodeListCursor, encodeListCursor } from './list-cursor'
import type { ThreadCursor } from './providers/types'

/** The cursor string of a position. */
export function encodeThreadCursor(cursor: ThreadCursor): string {
  return encodeListCursor({ createdAt: cursor.newestAt, id: cursor.threadId })
}

/** The position of a cursor string, or null when it is not one this server made. */
export function decodeThreadCursor(text: string): ThreadCursor | null {
  const bound = decodeListCursor(text)
  return bound && { newestAt: bound.createdAt, threadId: bound.id }
}
