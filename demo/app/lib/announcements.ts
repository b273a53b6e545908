/**
 * What a screen reader hears of a streaming answer. The answer on screen is re-rendered on every
 * delta, so it cannot be a live region (each render would be read out from the start); instead the
 * thread appends the new part of the answer, a sentence or a line at a time, to a polite live
 * region of its own: every character is read once, in order, and Markdown syntax is left out.
 */

/** The end of a sentence (followed by a space) or of a line: where a chunk may be cut. */
const CHUNK_END = /[.!?…:;](?=\s)|\n/g

/** The next part of an answer to read out, and how far the answer has been read after it. */
export interface Announcement {
  /** Plain words (Markdown syntax left out); empty when the part had nothing to say. */
  text: string
  /** Offset in the answer up to which it has now been read. */
  upTo: number
}

/**
 * The part of `answer` after `from` ready to be read out: up to the last sentence or line end, or
 * all of it once the answer is `final`. Null when there is nothing new to read yet.
 */
export function nextAnnouncement(answer: string, from: number, final: boolean): Announcement | null {
  if (answer.length <= from) return null
  const upTo = final ? answer.length : lastChunkEnd(answer, from)
  if (upTo <= from) return null
  return { text: speakableText(answer.slice(from, upTo)), upTo }
}

function lastChunkEnd(answer: string, from: number): number {
  let end = -1
  CHUNK_END.lastIndex = from
  for (let match = CHUNK_END.exec(answer); match; match = CHUNK_END.exec(answer)) end = match.index + match[0].length
  return end
}

/** Markdown as words: no fences, table rules, heading or list marks, emphasis, backticks or link targets. */
export function speakableText(markdown: string): string {
  return markdown
    .split('\n')
    .filter(line => !/^\s*(?:```|~~~)/.test(line) && !/^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(line))
    .map(line => line
      .replace(/^\s*(?:#{1,6}|>|[-*+])\s+/, '')
      .replace(/^\s*\|(.*?)\|?\s*$/, '$1')
      .replace(/\s*\|\s*/g, ', ')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/(\*\*|__|~~|`)/g, '')
      .replace(/(^|\s)[*_](?=\S)|(?<=\S)[*_](?=\s|$|[.,!?;:])/g, '$1'))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** A line of a live region (its key keeps each paragraph where it is). */
export interface LiveLine {
  id: number
  text: string
}

/**
 * Lines kept in a live region; then it starts over. Only additions are read, and never a sliding
 * window: Vue would move the kept paragraphs, and a moved node is read again.
 */
export const LIVE_LINES_KEPT = 100

/** `lines` with `line` added at the end (or alone, once LIVE_LINES_KEPT are there). */
export function withLiveLine(lines: readonly LiveLine[], line: LiveLine): LiveLine[] {
  return lines.length < LIVE_LINES_KEPT ? [...lines, line] : [line]
}
