/**
 * A tiny, safe Markdown renderer for the demo chat's answers: paragraphs, line breaks, `#`–`###`
 * headings, `-`/`*`/`1.` lists (nested by indentation), rules, fenced code blocks and the inline
 * subset of `renderInline` (bold, italic, code, http(s) links).
 *
 * Safety: the whole input is HTML-escaped before anything else, so model output can never become
 * markup; the only attribute taken from the input is a link's escaped href, which must start with
 * http:// or https://. Streaming: any prefix of an answer renders sensibly (an unclosed `**` stays
 * literal, an unclosed fence is an open code block). Speed: linear in the input, no regex that can
 * backtrack, so it can run again on every streamed delta. Pure, so SSR and hydration agree.
 */
import { renderInline } from './markdown-inline'

/** Options of `renderMarkdown`. */
export interface RenderMarkdownOptions {
  /**
   * Put the blinking streaming cursor at the end of the last block, after the last character.
   * @default false
   */
  cursor?: boolean
}

/** The streaming cursor (styled by `.cursor` in main.css). */
export const CURSOR_HTML = '<span class="cursor" aria-hidden="true"></span>'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' }
/** `#` becomes `<h3>`: an answer sits below the page's own headings. */
const HEADING_LEVEL_OFFSET = 2
const HEADING = /^ {0,3}(#{1,3})[ \t]/
const FENCE = /^( *)(`{3,}|~{3,})/
const LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]/
const BLANK = /^[ \t]*$/

/** Escapes the five characters that matter in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, character => HTML_ESCAPES[character]!)
}

interface ListItem {
  indentWidth: number
  tag: 'ul' | 'ol'
  /** Text lines not yet rendered. */
  lines: string[]
  /** Rendered HTML of the item so far (text, then any code block inside it). */
  html: string[]
}

function indentWidth(whitespace: string): number {
  let width = 0
  for (const character of whitespace) width += character === '\t' ? 4 : 1
  return width
}

function isRule(line: string): boolean {
  const compact = line.replace(/[ \t]/g, '')
  if (compact.length < 3 || !'-*_'.includes(compact[0]!)) return false
  for (const character of compact) if (character !== compact[0]) return false
  return true
}

/** A fence opens a code block unless a backtick fence's info string has a backtick (then it is inline code). */
function fenceOf(line: string): { indent: number, marker: string } | undefined {
  const match = FENCE.exec(line)
  if (!match) return undefined
  if (match[2]![0] === '`' && line.includes('`', match[0].length)) return undefined
  return { indent: match[1]!.length, marker: match[2]! }
}

function isClosingFence(line: string, marker: string): boolean {
  const trimmed = line.trim()
  if (trimmed.length < marker.length) return false
  for (const character of trimmed) if (character !== marker[0]) return false
  return true
}

/** Renders the fenced code block opening at `start` into `html`; returns the line after it (an unclosed fence runs to the end). */
function renderFence(lines: string[], start: number, html: string[]): number {
  const { indent, marker } = fenceOf(lines[start]!)!
  const code: string[] = []
  let index = start + 1
  for (; index < lines.length; index++) {
    const line = lines[index]!
    if (isClosingFence(line, marker)) {
      index++
      break
    }
    let strip = 0
    while (strip < indent && line[strip] === ' ') strip++
    code.push(line.slice(strip))
  }
  html.push(`<pre><code>${code.join('\n')}</code></pre>`)
  return index
}

function flushItem(item: ListItem): void {
  if (item.lines.length) item.html.push(renderInline(item.lines.join('\n')))
  item.lines = []
}

/** Renders the list starting at `start` (items separated by blank lines stay one list); returns the line after it. */
function renderList(lines: string[], start: number, html: string[]): number {
  const items: ListItem[] = []
  let index = start
  while (index < lines.length) {
    const line = lines[index]!
    const item = LIST_ITEM.exec(line)
    const current = items[items.length - 1]
    if (item) {
      const tag = /\d/.test(item[2]!) ? 'ol' : 'ul'
      items.push({ indentWidth: indentWidth(item[1]!), tag, lines: [line.slice(item[0].length).trim()], html: [] })
      index++
    }
    else if (BLANK.test(line)) {
      let next = index + 1
      while (next < lines.length && BLANK.test(lines[next]!)) next++
      // A blank line ends the list unless an item or an indented continuation follows.
      const following = lines[next]
      if (following === undefined || !(LIST_ITEM.test(following) || /^[ \t]{2}/.test(following))) break
      if (!LIST_ITEM.test(following) && !fenceOf(following) && current!.lines.length) current!.lines.push('')
      index = next
    }
    else if (fenceOf(line)) {
      // Only an indented fence belongs to the item; one at the margin ends the list.
      if (!/^[ \t]/.test(line)) break
      flushItem(current!)
      index = renderFence(lines, index, current!.html)
    }
    else if (HEADING.test(line) || isRule(line)) break
    else {
      current!.lines.push(line.trim())
      index++
    }
  }

  const open: { indentWidth: number, tag: 'ul' | 'ol' }[] = []
  for (const item of items) {
    flushItem(item)
    while (open.length && open[open.length - 1]!.indentWidth > item.indentWidth) html.push(`</li></${open.pop()!.tag}>`)
    const top = open[open.length - 1]
    if (!top || item.indentWidth > top.indentWidth) {
      html.push(`<${item.tag}>`)
      open.push({ indentWidth: item.indentWidth, tag: item.tag })
    }
    else if (top.tag !== item.tag) {
      html.push(`</li></${top.tag}><${item.tag}>`)
      top.tag = item.tag
    }
    else html.push('</li>')
    html.push('<li>', ...item.html)
  }
  while (open.length) html.push(`</li></${open.pop()!.tag}>`)
  return index
}

function startsBlock(line: string): boolean {
  return BLANK.test(line) || Boolean(fenceOf(line)) || HEADING.test(line) || isRule(line) || LIST_ITEM.test(line)
}

function heading(line: string): string {
  const level = HEADING.exec(line)![1]!.length
  let content = line.trim().slice(level).trim()
  // A closing run of #s is decoration ("## Title ##").
  let end = content.length
  while (end > 0 && content[end - 1] === '#') end--
  if (end < content.length && (end === 0 || content[end - 1] === ' ')) content = content.slice(0, end).trim()
  const tag = `h${level + HEADING_LEVEL_OFFSET}`
  return `<${tag}>${renderInline(content)}</${tag}>`
}

/** Moves `insertion` inside the closing tags that end `html`, so it sits right after the last character. */
function insertBeforeClosingTags(html: string, insertion: string): string {
  let end = html.length
  while (end > 0 && html[end - 1] === '>') {
    const tagStart = html.lastIndexOf('<', end - 1)
    if (html[tagStart + 1] !== '/') break
    end = tagStart
  }
  return html.slice(0, end) + insertion + html.slice(end)
}

/** Renders a (possibly partial) Markdown answer to safe HTML. */
export function renderMarkdown(text: string, options: RenderMarkdownOptions = {}): string {
  const lines = escapeHtml(text).split(/\r\n|\r|\n/)
  const html: string[] = []
  let index = 0
  while (index < lines.length) {
    const line = lines[index]!
    if (BLANK.test(line)) index++
    else if (fenceOf(line)) index = renderFence(lines, index, html)
    else if (HEADING.test(line)) {
      html.push(heading(line))
      index++
    }
    else if (isRule(line)) {
      html.push('<hr>')
      index++
    }
    else if (LIST_ITEM.test(line)) index = renderList(lines, index, html)
    else {
      const paragraph: string[] = []
      while (index < lines.length && (paragraph.length === 0 || !startsBlock(lines[index]!))) paragraph.push(lines[index++]!.trim())
      html.push(`<p>${renderInline(paragraph.join('\n'))}</p>`)
    }
  }
  const rendered = html.join('')
  return options.cursor ? insertBeforeClosingTags(rendered, CURSOR_HTML) : rendered
}
