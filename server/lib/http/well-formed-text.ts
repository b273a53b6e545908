/**
 * Request text must be Unicode as sent: a body that is not valid UTF-8 is refused rather than
 * decoded with `�` in place of its bad bytes, and a JSON `\ud83d` escape without its other half (a
 * lone surrogate, which no UTF-8 text can hold) is refused with the field that holds it. Either
 * would otherwise be stored changed — a store writes UTF-8, and a lone surrogate becomes `�` there
 * (or is refused outright) — so a 400 naming the problem is the honest answer.
 */

import { isWellFormedText, loneSurrogateIndex } from '../../../shared/lone-surrogate'
import { shownInput } from '../shown-input'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A JSON escape of a surrogate code unit (`\uD800`–`\uDFFF`): only then can a parsed string be ill-formed. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/

/** The bytes as UTF-8 text (a leading BOM dropped), or null when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes)
  }
  catch {
    return null
  }
}

function describe(text: string): string {
  const index = loneSurrogateIndex(text)
  return `holds a lone surrogate (\\u${text.charCodeAt(index).toString(16)} at character ${index}), which is not valid Unicode text`
}

/** Where the first ill-formed string is (`.messages.0.content`, '' for the whole value), and its problem. */
interface IllFormed {
  path: string
  problem: string
}

function findIllFormed(value: unknown, path: string): IllFormed | null {
  if (typeof value === 'string') return isWellFormedText(value) ? null : { path, problem: describe(value) }
  if (!value || typeof value !== 'object') return null
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findIllFormed(value[index], `${path}.${index}`)
      if (found) return found
    }
    return null
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isWellFormedText(key)) return { path, problem: `a key ${describe(key)}` }
    const found = findIllFormed(item, `${path}.${key}`)
    if (found) return found
  }
  return null
}

/**
 * The first string (or key) of a value parsed from `json` that is not well-formed Unicode, as
 * `<path>: <problem>` (`body.messages.0.content: holds a lone surrogate …`), or null when every
 * one is. Text without a surrogate escape is not walked at all.
 */
export function illFormedTextIn(json: string, value: unknown): string | null {
  if (!SURROGATE_ESCAPE.test(json)) return null
  const found = findIllFormed(value, '')
  if (!found) return null
  // The path holds the client's keys: quoted cut past 200 characters (shown-input.ts), not a 100 KB key whole.
  const { path, problem } = found
  return `${path === '' ? 'body' : shownInput(path.slice(1))}: ${problem}`
}
