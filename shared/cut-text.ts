/**
 * Cutting text to a length in UTF-16 code units (a JavaScript string index) without breaking what
 * a reader sees as one character: never between the halves of a surrogate pair (that would leave
 * invalid text, stored and shown as `\ud83d` or `�`), and where possible not inside a grapheme
 * cluster either (an emoji with its skin tone or ZWJ family, a letter with its combining marks).
 * Used by every place that shortens text for a title, an error message or an excerpt.
 */

import { isHighSurrogate } from './lone-surrogate'

const segmenter = typeof Intl !== 'undefined' && typeof Intl.Segmenter === 'function'
  ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
  : null


/** Code units past the limit given to the segmenter (a surrogate pair at the limit, with room to spare). */
const SEGMENT_LOOKAHEAD = 8

/**
 * Where to cut `text` so that at most `maxUnits` code units stay: the start of the grapheme cluster
 * that `maxUnits` falls in, or (when that cluster starts at 0, e.g. one very long cluster) the last
 * code point boundary before `maxUnits`. `text.length` when it already fits.
 */
export function cutIndex(text: string, maxUnits: number): number {
  const limit = Math.max(0, Math.floor(maxUnits))
  if (text.length <= limit) return text.length
  if (limit === 0) return 0
  // Only the text up to just past the limit is segmented: where a cluster starts depends on what
  // comes before it and on the character at the start, never on what follows. The whole text cost
  // about 60 ns a code unit — a tool's error of 10 MB (a response body in it) held the thread for
  // most of a second to keep its first 4,000 characters.
  const cluster = segmenter?.segment(text.slice(0, limit + SEGMENT_LOOKAHEAD)).containing(limit)
  if (cluster && cluster.index > 0) return cluster.index
  return isHighSurrogate(text.charCodeAt(limit - 1)) ? limit - 1 : limit
}

/** `text` cut to at most `maxUnits` UTF-16 code units, at a character boundary (see `cutIndex`). */
export function cutText(text: string, maxUnits: number): string {
  return text.slice(0, cutIndex(text, maxUnits))
}

/**
 * `text` cut as `cutText` does, with `suffix` (e.g. `…`) added when something was cut; the result
 * (suffix included) is at most `maxUnits` + `suffix.length` units.
 */
export function cutTextWith(text: string, maxUnits: number, suffix: string): string {
  const index = cutIndex(text, maxUnits)
  return index < text.length ? `${text.slice(0, index)}${suffix}` : text
}
