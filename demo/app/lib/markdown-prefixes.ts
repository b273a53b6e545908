/**
 * The closed blocks at the start of texts rendered lately, as HTML. A streaming answer is rendered
 * again on every piece, and only its last block can still change: the blocks before it (a
 * paragraph, a list, a code block that a later block already closed) come back unchanged, so they
 * are taken from here instead of being parsed and rendered again — without it each piece cost the
 * whole answer again, and a long answer's pieces grew slower as it went. They are shared by every
 * render (the server's too), so what they hold is bounded by the length of their texts as well.
 */

/** Closed blocks of a text: the text up to their end is `key`; `html` is what they render to. */
export interface RenderedPrefix<BlockToken = unknown> {
  /** The text these blocks were read from, up to the end of the line that starts the next block. */
  key: string
  /** Where the closed blocks end in the text (the next block's first line starts there). */
  end: number
  /**
   * Their tokens, to render them again when a heading above theirs moves them down; null when not
   * kept (a text longer than `MAX_PREFIX_CHARS`: its text up to `end` is parsed again then).
   */
  tokens: BlockToken[] | null
  /** Their HTML (one string a top-level block) by how far their headings are moved down. */
  html: Map<number, string[]>
  /** The smallest heading level among them (`NO_HEADING`: none). */
  topLevel: number
}

/** `topLevel` of blocks with no heading. */
export const NO_HEADING = 7
/** How many prefixes are kept: a few answers (and their reasoning) may stream at once. */
const MAX_PREFIXES = 8
/**
 * How much text the kept prefixes may stand for (their keys), in characters. Each holds its text's
 * HTML and markdown-it tokens too, together about 40 bytes a character: without this, eight long
 * answers (or workflow outputs) rendered once kept hundreds of MB until eight others came.
 */
const MAX_PREFIX_CHARS = 500_000

/** The kept prefixes, the most recently used last. */
const prefixes: RenderedPrefix[] = []
/**
 * The newest prefix longer than `MAX_PREFIX_CHARS` (an answer past most models' output limits, a
 * big workflow output), kept on its own without its tokens (the bulk of it): its HTML only. Not
 * kept, such an answer was read whole again on every streamed piece.
 */
let long: RenderedPrefix | null = null

/** The longest kept prefix that `text` starts with, or null. */
export function prefixOf(text: string): RenderedPrefix | null {
  let found: RenderedPrefix | null = null
  for (const prefix of long ? [...prefixes, long] : prefixes) {
    if (prefix.key.length <= text.length && (!found || prefix.key.length > found.key.length) && text.startsWith(prefix.key)) found = prefix
  }
  if (found && found !== long) touch(found)
  return found
}

/**
 * Keeps `prefix`; `replaced` (a shorter one it grew from) is no longer needed. The least recently
 * used go beyond `MAX_PREFIXES` or `MAX_PREFIX_CHARS`; one longer than that alone is kept apart,
 * without its tokens, in place of the one kept so before.
 */
export function keepPrefix(prefix: RenderedPrefix, replaced: RenderedPrefix | null): void {
  for (let index = prefixes.length - 1; index >= 0; index--) {
    if (prefixes[index] === replaced || prefixes[index]!.key === prefix.key) prefixes.splice(index, 1)
  }
  // Longer than all may hold: kept apart, and the others stay.
  if (prefix.key.length > MAX_PREFIX_CHARS) {
    long = { ...prefix, tokens: null }
    return
  }
  if (long === replaced) long = null
  prefixes.push(prefix)
  let chars = prefixes.reduce((sum, kept) => sum + kept.key.length, 0)
  while (prefixes.length > MAX_PREFIXES || (prefixes.length > 0 && chars > MAX_PREFIX_CHARS)) chars -= prefixes.shift()!.key.length
}

function touch(prefix: RenderedPrefix): void {
  prefixes.splice(prefixes.indexOf(prefix), 1)
  prefixes.push(prefix)
}
