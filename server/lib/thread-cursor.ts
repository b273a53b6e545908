/**
 * The `next` / `before` cursor of `GET /api/jobs/threads`: opaque to clients, base64url of the
 * JSON `[newestAt, threadId]` of the last thread of a page (thread-order.ts).
 */
import type { ThreadCursor } from './providers/types'

/** The cursor string of a position. */
export function encodeThreadCursor(cursor: ThreadCursor): string {
  return Buffer.from(JSON.stringify([cursor.newestAt, cursor.threadId]), 'utf8').toString('base64url')
}

/** The position of a cursor string, or null when it is not one this server made. */
export function decodeThreadCursor(text: string): ThreadCursor | null {
  if (!/^[\w-]+$/.test(text)) return null
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  }
  catch {
    return null
  }
  if (!Array.isArray(value) || value.length !== 2) return null
  const [newestAt, threadId] = value as [unknown, unknown]
  if (typeof newestAt !== 'number' || !Number.isFinite(newestAt) || typeof threadId !== 'string' || threadId === '') return null
  return { newestAt, threadId }
}
