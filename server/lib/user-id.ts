/**
 * What a user id may be: the resolve-user hook's (http/resolve-user.ts, a 500 otherwise) and the
 * one server code passes to `createJob` (admit-ids.ts, a 400). Not blank (`' '`: every request of
 * an app's session bug would be one user), at most `MAX_USER_ID_LENGTH` characters (10 kB in every
 * key and record), no control character (the Redis thread keys and the memory provider's
 * idempotency index join the user and another id with NUL: id-characters.ts), and well-formed
 * Unicode (a store refuses or changes a lone surrogate). Taken exactly as given otherwise:
 * `' alice'` and `'alice'` are two users, as in the app's own database.
 */
import { loneSurrogateIndex } from '../../shared/lone-surrogate'
import { controlCharacterProblem } from './id-characters'

/** The longest user id (OpenID Connect's `sub` is at most 255 characters, an email 254). */
export const MAX_USER_ID_LENGTH = 256

/** Why an id cannot be a user's: its kind and its words, without the id. */
export interface UserIdProblem {
  kind: 'blank' | 'too long' | 'control character' | 'lone surrogate'
  /** `a blank id (only whitespace)`, `an id 10240 characters long, over the 256 an id may have`, … */
  text: string
}

/** Why `id` cannot be a user's id, or null when it can. */
export function userIdProblem(id: string): UserIdProblem | null {
  if (id.trim() === '') return { kind: 'blank', text: 'a blank id (only whitespace)' }
  if (id.length > MAX_USER_ID_LENGTH) return { kind: 'too long', text: `an id ${id.length} characters long, over the ${MAX_USER_ID_LENGTH} an id may have` }
  // No id an app makes holds one: a header value read with its `\r\n`, a NUL from a C string.
  const control = controlCharacterProblem(id)
  if (control) return { kind: 'control character', text: `an id with a control character (user ids ${control})` }
  const lone = loneSurrogateIndex(id)
  if (lone !== -1) return { kind: 'lone surrogate', text: `an id with a lone surrogate (U+${id.charCodeAt(lone).toString(16).toUpperCase()} at index ${lone}), which is not valid Unicode text` }
  return null
}
