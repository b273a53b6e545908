/**
 * The closed blocks at the start of texts rendered lately, as HTML. A streaming answer is rendered
 * again on every piece, and only its last block can still change: the blocks before it (a
 * paragraph, a list, a code block that a later block already closed) come back unchanged, so they
 * are taken from here instead of being parsed and rendered again — without it each piece cost the
 * whole answer again, and a long answer's pieces grew slower as it went.
 */

/** Closed blocks of a text: the text up to their end is `key`; `html` is what they render to. */
export interface RenderedPrefix<BlockToken = unknown> {
  /** The text these blocks were read from, up to the end of the line that starts the next block. */
  key: string
  /** Where the closed blocks end in the text (the next block's first line starts there). */
  end: number
  /** Their tokens, to render them again when a heading above theirs moves them down. */
  tokens: BlockToken[]
  /** Their HTML by how far their headings are moved down. */
  html: Map<number, string>
  /** The smallest heading level among them (`NO_HEADING`: none). */
  topLevel: number
}

/** `topLevel` of blocks with no heading. */
export const NO_HEADING = 7
/** How many prefixes are kept: a few answers (and their reasoning) may stream at once. */
const MAX_PREFIXES = 8

/** The kept prefixes, the most recently used last. */
const prefixes: RenderedPrefix[] = []

/** The longest kept prefix that `text` starts with, or null. */
export function prefixOf(text: string): RenderedPrefix | null {
  let found: RenderedPrefix | null = null
  for (const prefix of prefixes) {
    if (prefix.key.length <= text.length && (!found || prefix.key.length > found.key.length) && text.startsWith(prefix.key)) found = prefix
  }
  if (found) touch(found)
  return found
}

/** Keeps `prefix`; `replaced` (a shorter one it grew from) is no longer needed. */
export function keepPrefix(prefix: RenderedPrefix, replaced: RenderedPrefix | null): void {
  for (let index = prefixes.length - 1; index >= 0; index--) {
    if (prefixes[index] === replaced || prefixes[index]!.key === prefix.key) prefixes.splice(index, 1)
  }
  prefixes.push(prefix)
  if (prefixes.length > MAX_PREFIXES) prefixes.shift()
}

function touch(prefix: RenderedPrefix): void {
  prefixes.splice(prefixes.indexOf(prefix), 1)
  prefixes.push(prefix)
}
