/**
 * The inline half of the chat's Markdown renderer: `**bold**`, `*italic*`/`_italic_`, `code` and
 * http(s) links, over text that is ALREADY HTML-escaped (see `renderMarkdown`).
 *
 * One left-to-right pass. Every search that could restart from each position (closing backtick
 * runs, `]`, `)`, whitespace in a URL) goes through a cursor that only moves forward, and the
 * emphasis stack pops each opener at most once, so the work stays linear in the input even for
 * pathological runs of `*`, `_` or backticks.
 */

/** Characters a backslash makes literal. The backtick is left out: code spans ignore escapes. */
const ESCAPABLE = new Set('\\*_[](){}#+-.!|~>'.split(''))
const WORD_CHARACTER = /[\p{L}\p{N}]/u
const SPACE = /\s/

interface Opener {
  character: '*' | '_'
  size: 1 | 2
  /** Where its literal text sits in the output, replaced by a tag once it is matched. */
  pieceIndex: number
}

/** Finds the next index of any of `characters` at or after a position that never decreases between calls. */
function createForwardFinder(text: string, characters: RegExp): (from: number) => number {
  let found = -1
  let exhausted = false
  return (from) => {
    if (exhausted) return -1
    if (found >= from) return found
    characters.lastIndex = from
    const match = characters.exec(text)
    if (!match) exhausted = true
    found = match ? match.index : -1
    return found
  }
}

/** For each backtick run, where the next run of the same length starts (CommonMark's code span closer). */
function createCodeCloserFinder(text: string): (start: number, length: number) => number {
  const runsByLength = new Map<number, number[]>()
  for (let index = 0; index < text.length; index++) {
    if (text[index] !== '`') continue
    const start = index
    while (text[index + 1] === '`') index++
    const length = index - start + 1
    const runs = runsByLength.get(length) ?? []
    runs.push(start)
    runsByLength.set(length, runs)
  }
  const cursors = new Map<number, number>()
  return (start, length) => {
    const runs = runsByLength.get(length)!
    let cursor = cursors.get(length) ?? 0
    while (cursor < runs.length && runs[cursor]! <= start) cursor++
    cursors.set(length, cursor)
    return cursor < runs.length ? runs[cursor]! : -1
  }
}

function isHttpUrl(text: string, start: number): boolean {
  const head = text.slice(start, start + 8).toLowerCase()
  return head.startsWith('http://') || head.startsWith('https://')
}

/** Plain text: soft line breaks become `<br>` (chat answers mean their line breaks). */
function plain(text: string): string {
  return text.includes('\n') ? text.split('\n').join('<br>') : text
}

/** Code span content: line breaks become spaces; one space is stripped from each side when both sides have one. */
function codeContent(text: string): string {
  const flat = text.split('\n').join(' ')
  const padded = flat.length > 2 && flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== ''
  return padded ? flat.slice(1, -1) : flat
}

/** Renders the inline Markdown of one block of already-escaped text to HTML. */
export function renderInline(text: string): string {
  const findCodeCloser = createCodeCloserFinder(text)
  const findBracket = createForwardFinder(text, /\]/g)
  const findParenthesis = createForwardFinder(text, /\)/g)
  const findSpace = createForwardFinder(text, /\s/g)
  const pieces: string[] = []
  const openers: Opener[] = []
  const openCounts = new Map<string, number>()
  let plainStart = 0
  let index = 0

  const flush = (end: number) => {
    if (end > plainStart) pieces.push(plain(text.slice(plainStart, end)))
  }
  const emit = (html: string, next: number) => {
    flush(index)
    pieces.push(html)
    index = next
    plainStart = next
  }
  const count = (character: string, size: number) => openCounts.get(character + size) ?? 0
  const changeCount = (opener: Opener, delta: number) => {
    openCounts.set(opener.character + opener.size, count(opener.character, opener.size) + delta)
  }
  /** Closes the nearest matching opener; openers above it stay literal text. */
  const close = (character: '*' | '_', size: 1 | 2) => {
    for (;;) {
      const opener = openers.pop()!
      changeCount(opener, -1)
      if (opener.character !== character || opener.size !== size) continue
      const tag = size === 2 ? 'strong' : 'em'
      pieces[opener.pieceIndex] = `<${tag}>`
      pieces.push(`</${tag}>`)
      return
    }
  }

  const matchLink = (start: number): { label: string, href: string, end: number } | undefined => {
    const labelEnd = findBracket(start + 1)
    if (labelEnd <= start + 1 || text[labelEnd + 1] !== '(') return undefined
    const hrefStart = labelEnd + 2
    const hrefEnd = findParenthesis(hrefStart)
    if (hrefEnd < 0 || !isHttpUrl(text, hrefStart)) return undefined
    const space = findSpace(hrefStart)
    if (space >= 0 && space < hrefEnd) return undefined
    return { label: text.slice(start + 1, labelEnd), href: text.slice(hrefStart, hrefEnd), end: hrefEnd + 1 }
  }

  while (index < text.length) {
    const character = text[index]!
    if (character === '\\' && ESCAPABLE.has(text[index + 1] ?? '')) {
      emit(text[index + 1]!, index + 2)
      continue
    }
    if (character === '`') {
      let runEnd = index + 1
      while (text[runEnd] === '`') runEnd++
      const closer = findCodeCloser(index, runEnd - index)
      if (closer < 0) index = runEnd
      else emit(`<code>${codeContent(text.slice(runEnd, closer))}</code>`, closer + runEnd - index)
      continue
    }
    if (character === '[') {
      const link = matchLink(index)
      // The label was escaped with the rest; the href too, and it starts with http(s):// by construction.
      if (link) emit(`<a href="${link.href}" rel="noopener noreferrer" target="_blank">${renderInline(link.label)}</a>`, link.end)
      else index++
      continue
    }
    if (character !== '*' && character !== '_') {
      index++
      continue
    }

    let runEnd = index + 1
    while (text[runEnd] === character) runEnd++
    const before = index > 0 ? text[index - 1]! : ' '
    const after = runEnd < text.length ? text[runEnd]! : ' '
    let canOpen = !SPACE.test(after)
    let canClose = !SPACE.test(before)
    if (character === '_') {
      // snake_case_names stay as they are.
      canOpen &&= !WORD_CHARACTER.test(before)
      canClose &&= !WORD_CHARACTER.test(after)
    }
    flush(index)
    let remaining = runEnd - index
    while (canClose && remaining > 0) {
      const top = openers[openers.length - 1]
      let size: 0 | 1 | 2 = 0
      if (top?.character === character && top.size <= remaining) size = top.size
      else if (remaining >= 2 && count(character, 2) > 0) size = 2
      else if (count(character, 1) > 0) size = 1
      if (!size) break
      close(character, size)
      remaining -= size
    }
    while (canOpen && remaining > 0) {
      const size = remaining >= 2 ? 2 : 1
      const opener: Opener = { character, size, pieceIndex: pieces.length }
      openers.push(opener)
      changeCount(opener, 1)
      pieces.push(character.repeat(size))
      remaining -= size
    }
    if (remaining > 0) pieces.push(character.repeat(remaining))
    index = runEnd
    plainStart = runEnd
  }
  flush(text.length)
  return pieces.join('')
}
