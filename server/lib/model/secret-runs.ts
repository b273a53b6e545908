/**
 * The parts of a secret a model endpoint echoes: not only the whole key but its first 20
 * characters, the key cut at a line break, the key with its middle elided (`sk-proj-abcdefghij…wxyz`).
 * Each run of a message made of `SECRET_PART_CHARS` or more characters of a secret (that long or
 * longer) is a part of it, whatever its case, as the whole secret is (echoed-secrets.ts); a run of
 * fewer shares no more than a word might. Read in one pass, one set lookup per window of the
 * message, so a megabyte of error body costs as little as its length: never a search per secret
 * and per start.
 */
import type { EchoedSecrets } from './echoed-secrets'
import { SECRET_PART_CHARS, secretList } from './echoed-secrets'

/** What a scrubbed run becomes. Text already scrubbed is never read again: a secret holding `redacted` would wrap it anew. */
export const REDACTED = '[redacted]'

/**
 * `text` with each run of `SECRET_PART_CHARS` or more characters of one of `secrets` (those that
 * long; shorter ones are left to the caller), in any case, replaced by `[redacted]`. Runs across a
 * space of the secret are not parts: the whole secret is still a run wherever it stands only when
 * it has no space (a passphrase is scrubbed by the caller's whole-secret rule, upstream-response.ts).
 */
export function withoutSecretRuns(text: string, secrets: readonly string[]): string {
  const parts = secretParts(secrets)
  if (parts.windows.size === 0 || text.length < SECRET_PART_CHARS) return text
  return text.split(REDACTED).map(piece => scrubPiece(piece, parts)).join(REDACTED)
}

/**
 * True when `name` (an endpoint's name for a failure: `error.code`, `error.type`) holds one of
 * `secrets`, whatever its case: a secret of `SECRET_PART_CHARS` or more when a run of that many of
 * its characters is in the name (a proxy quoting a part of the key), as `withoutSecretRuns` finds
 * it (not across a space: a name with one is never kept, upstream-code.ts); a shorter one when it
 * is the name. The name is the upstream's, of any length (an error chunk's code is bounded only by
 * the 16 MiB line, parse-stream.ts), so it is read in the same one pass, at most one lookup per
 * window: searching each secret from each start of it was quadratic (4 s for a 16 MiB code).
 */
export function holdsSecret(name: string, secrets: EchoedSecrets): boolean {
  const list = secretList(secrets)
  if (list.some(secret => secret.length < SECRET_PART_CHARS && name === secret)) return true
  const parts = secretParts(list)
  let found = false
  if (parts.windows.size > 0) {
    eachPartWindow(foldCase(name), parts, () => {
      found = true
      return false
    })
  }
  return found
}

/** Every `SECRET_PART_CHARS` characters of each secret that long, case folded, and the characters they are made of. */
interface SecretParts {
  windows: Set<string>
  /** 1 for each UTF-16 code unit some window holds: a window with any other is no part, and is not looked up. */
  units: Uint8Array
}

const WHITESPACE = /\s/

function secretParts(secrets: readonly string[]): SecretParts {
  const windows = new Set<string>()
  const units = new Uint8Array(65_536)
  for (const secret of secrets) {
    if (secret.length < SECRET_PART_CHARS) continue
    const folded = foldCase(secret)
    // A window with a space in it is a passphrase's words ("for the demo"), which ordinary error
    // text holds too; a key, a token or a password has no space, and its echo is scrubbed whole.
    for (let index = 0; index < folded.length; index++) {
      if (!WHITESPACE.test(folded[index]!)) units[folded.charCodeAt(index)] = 1
    }
    for (let start = 0; start + SECRET_PART_CHARS <= folded.length; start++) {
      const window = folded.slice(start, start + SECRET_PART_CHARS)
      if (!WHITESPACE.test(window)) windows.add(window)
    }
  }
  return { windows, units }
}

/**
 * One pass over `folded`: `found(start)` for each window (from `start`, `SECRET_PART_CHARS` long)
 * that is a part of a secret, in order, until it returns false. One lookup per window at most.
 */
function eachPartWindow(folded: string, parts: SecretParts, found: (start: number) => boolean): void {
  // The last character no secret holds: a window starting at or before it is none.
  let foreign = -1
  for (let end = 0; end < folded.length; end++) {
    if (parts.units[folded.charCodeAt(end)] === 0) foreign = end
    const start = end + 1 - SECRET_PART_CHARS
    if (start <= foreign || !parts.windows.has(folded.slice(start, end + 1))) continue
    if (!found(start)) return
  }
}

/** One pass: the windows that are parts of a secret, overlapping ones joined into one run, each run replaced (two runs that only touch stay two). */
function scrubPiece(text: string, parts: SecretParts): string {
  if (text.length < SECRET_PART_CHARS) return text
  let result = ''
  let copied = 0
  let runStart = -1
  let runEnd = -1
  eachPartWindow(foldCase(text), parts, (start) => {
    if (start >= runEnd) {
      if (runEnd !== -1) result += text.slice(copied, runStart) + REDACTED
      copied = runEnd === -1 ? 0 : runEnd
      runStart = start
    }
    runEnd = start + SECRET_PART_CHARS
    return true
  })
  if (runEnd === -1) return text
  return result + text.slice(copied, runStart) + REDACTED + text.slice(runEnd)
}

/**
 * `text` in lower case, each character where it stood (a run found in it is cut from `text` at the
 * same place): `İ`, the one UTF-16 unit whose lower case is two, is kept as it is.
 */
function foldCase(text: string): string {
  return text.includes('İ') ? text.split('İ').map(piece => piece.toLowerCase()).join('İ') : text.toLowerCase()
}
