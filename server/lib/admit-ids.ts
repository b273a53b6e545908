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
import { MAX_IDEMPOTENCY_KEY_CHARS } from './http/request'
import { controlCharacterProblem, MAX_ID_CHARS } from './id-characters'
import { userIdProblem } from './user-id'

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

/**
 * Throws `InvalidRequestError` for an `idempotencyKey` the routes could not have sent: over
 * `MAX_IDEMPOTENCY_KEY_CHARS` (a route refuses a longer `Idempotency-Key`), or holding NUL (no
 * header can). The memory and Redis providers index keys as `<userId>\0<key>`: user `a`'s key
 * `b\0c` would be user `a\0b`'s key `c`. Checked before the key is looked up.
 */
export function admitIdempotencyKey(key: unknown): void {
  if (key === undefined || key === null) return
  if (typeof key !== 'string') throw new InvalidRequestError('idempotencyKey: must be a string or null')
  if (key.length > MAX_IDEMPOTENCY_KEY_CHARS) throw new InvalidRequestError(`idempotencyKey: must be at most ${MAX_IDEMPOTENCY_KEY_CHARS} characters (got ${key.length})`)
  if (key.includes('\0')) throw new InvalidRequestError(`idempotencyKey: must not contain NUL (found U+0000 at index ${key.indexOf('\0')})`)
}

/**
 * Throws `InvalidRequestError` for a user id server code passes to `createJob` that cannot be a
 * user's (user-id.ts): its job would be no one's — no request resolves to `' '`, the hook's such
 * ids are refused — or its keys another user's. The routes' users were checked when resolved.
 */
export function admitUserId(userId: unknown): void {
  if (typeof userId !== 'string') throw new InvalidRequestError(`userId: must be a string, your user's id as the resolve-user hook gives it (a number as its digits); got ${userId === null ? 'null' : typeof userId}`)
  const problem = userIdProblem(userId)
  if (problem) throw new InvalidRequestError(`userId: ${problem.text}`)
}
