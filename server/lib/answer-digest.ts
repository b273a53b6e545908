/**
 * The digest of an answer as its sender sent it, kept in the job's `input-response` (`sent`) when
 * the asker's schema stored another value (a default filled in, text trimmed, a number coerced). A
 * retry of the same answer (the retry of a `503`, of a lost response) is the answer taken: with the
 * digest it is told by the bytes sent, not by reading them again with the schema of the instance
 * that answers, which a deploy may have changed in ways its JSON Schema does not show (a default, a
 * trim, a coercion) — such a retry was a 409 (stored-answer.ts `answeredAlike`).
 */
import { createHash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import { sortedKeysJson } from './sorted-keys-json'

/** The digest of `answer` (its JSON with sorted keys). */
export function answerDigest(answer: unknown): string {
  return createHash('sha256').update(sortedKeysJson(answer)).digest('base64url')
}

/** The digest to keep for `sent`, stored as `stored`: none when they are the same JSON (compared as they are). */
export function sentDigestFor(sent: unknown, stored: unknown): string | undefined {
  try {
    if (isDeepStrictEqual(JSON.parse(sortedKeysJson(sent) || 'null'), JSON.parse(sortedKeysJson(stored) || 'null'))) return undefined
    return answerDigest(sent)
  }
  catch {
    return undefined
  }
}
