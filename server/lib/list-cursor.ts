/**
 * The `before` / `next` cursor of `GET /api/jobs` (and of its threads, thread-cursor.ts): opaque to clients, it is the base64url of
 * `v1:<createdAt>:<job id>`, the place in the user's list after which the next page starts. It
 * holds nothing secret and grants nothing: a page is always read from the caller's own jobs, so a
 * cursor taken from another user's list only bounds a range of the caller's jobs.
 */
import { MAX_ID_CHARS } from './id-characters'
import type { JobListBound } from './providers/types'

const VERSION = 'v1'
const BASE64URL = /^[\w-]+$/
/** The longest cursor: `v1:` + 16 digits + `:` + an id of MAX_ID_CHARS units at 3 UTF-8 bytes each, in base64url. */
const MAX_CURSOR_CHARS = Math.ceil((3 + 16 + 1 + 3 * MAX_ID_CHARS) * 4 / 3)

/** Encodes a place in the list as a cursor. */
export function encodeListCursor(bound: JobListBound): string {
  return Buffer.from(`${VERSION}:${bound.createdAt}:${bound.id}`, 'utf8').toString('base64url')
}

/** Decodes a cursor, or returns null when it is not one this server made. */
export function decodeListCursor(cursor: string): JobListBound | null {
  // An id of MAX_ID_CHARS UTF-16 units is up to 3 bytes per unit in UTF-8 (a thread id in CJK).
  if (!BASE64URL.test(cursor) || cursor.length > MAX_CURSOR_CHARS) return null
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  const match = /^v1:(\d{1,16}):(.+)$/s.exec(text)
  if (!match) return null
  const createdAt = Number(match[1])
  const id = match[2]!
  if (!Number.isSafeInteger(createdAt) || id.length > MAX_ID_CHARS) return null
  // Only a cursor that encodes back to itself: no second spelling of the same place.
  return encodeListCursor({ createdAt, id }) === cursor ? { createdAt, id } : null
}
