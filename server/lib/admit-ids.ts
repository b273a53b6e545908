/**
 * The `threadId` and `messageId` of a job started from server code (`createJob`, hooks.md) must be
 * ids the routes can read back: 1–200 characters, not starting or ending with whitespace (the
 * routes trim theirs), with no control character (id-characters.ts). A longer thread id made a
 * `next` cursor `GET /api/jobs/threads` refused, so the thread list could not be paged past it; an
 * empty one was a thread on one provider and none on another. Refused (400 naming the field) like
 * a route's body; `POST /api/jobs` checks the same.
 */
import type { CreateJobInput } from './engine-types'
import { InvalidRequestError } from './errors'
import { controlCharacterProblem } from './id-characters'

/** The longest thread or message id (the routes' limit, and what a list cursor holds). */
const MAX_ID_CHARS = 200

function checkId(field: 'threadId' | 'messageId', value: unknown): void {
  if (value === undefined || value === null) return
  if (typeof value !== 'string') throw new InvalidRequestError(`${field}: must be a string or null`)
  if (value.trim() === '') throw new InvalidRequestError(`${field}: must not be empty (leave it out, or null, for none)`)
  if (value.trim() !== value) throw new InvalidRequestError(`${field}: must not start or end with whitespace`)
  if (value.length > MAX_ID_CHARS) throw new InvalidRequestError(`${field}: must be at most ${MAX_ID_CHARS} characters (got ${value.length})`)
  const problem = controlCharacterProblem(value)
  if (problem) throw new InvalidRequestError(`${field}: ${problem}`)
}

/** Throws `InvalidRequestError` for a thread or message id the routes could not address. */
export function admitIds(input: Pick<CreateJobInput, 'threadId' | 'messageId'>): void {
  checkId('threadId', input.threadId)
  checkId('messageId', input.messageId)
}
