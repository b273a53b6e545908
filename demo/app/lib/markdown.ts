/**
 * The chat's Markdown renderer: markdown-it (CommonMark + tables + strikethrough) used safely, with
 * code highlighted by highlight.js (a few common languages, see `code-highlight.ts`).
 *
 * Safety: raw HTML is off (`html: false`, so every `<` in model output is text); a link is made
 * only for an absolute http(s) URL (`validateLink`), bare URLs are linked only when they start with
 * http(s):// (no fuzzy links, no e-mail, no `//`), images are off (no requests to hosts the model
 * names). Every link opens in a new tab without an opener.
 * Direction: every paragraph, heading, list, quote and table says `dir="auto"`, so a right-to-left
 * language (Hebrew, Arabic) reads from the right block by block, also in an answer that mixes it with
 * English; code stays left to right.
 * Streaming: markdown-it renders any prefix sensibly — an unclosed `**` stays literal text, an
 * unclosed fence is a code block that runs to the end. Pure, so SSR and hydration agree. Rendered
 * again on every streamed piece, an answer's closed blocks are not parsed again: only the block
 * being written is (lib/markdown-prefixes.ts); the HTML is the same as reading the text whole.
 */
import MarkdownIt from 'markdown-it'
import type { Env, MarkdownIt as MarkdownRenderer, Token } from 'markdown-it'
import { CODE_COPY_LABEL, highlightCode } from './code-highlight'
import type { RenderedPrefix } from './markdown-prefixes'
import { keepPrefix, NO_HEADING, prefixOf } from './markdown-prefixes'

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
/**
 * An answer's top heading level becomes `<h3>`: it sits below the page's own headings (the thread's
 * h1, each message's h2), whether the model starts at `#` or at `##` (no skipped level).
 */
const TOP_HEADING_LEVEL = 3

/** What the render rules read: how far this answer's headings move down. */
interface RenderEnvironment extends Env {
  headingShift: number
}
const HTTP_URL = /^https?:\/\//i
/** The blocks whose direction follows their own first strong character (`dir="auto"`). */
const AUTO_DIRECTION_BLOCKS = new Set(['paragraph_open', 'heading_open', 'bullet_list_open', 'ordered_list_open', 'blockquote_open', 'th_open', 'td_open'])

/** Escapes the five characters that matter in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, character => HTML_ESCAPES[character]!)
}

function createRenderer(): MarkdownRenderer {
  const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false })
  md.validateLink = url => HTTP_URL.test(url)
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false })
  for (const schema of ['mailto:', 'ftp:', '//']) md.linkify.add(schema, null)
  md.disable('image')

  md.core.ruler.push('auto_direction', (state) => {
    for (const token of state.tokens) {
      if (AUTO_DIRECTION_BLOCKS.has(token.type)) token.attrSet('dir', 'auto')
    }
  })

  const rules = md.renderer.rules
  rules.link_open = (tokens, index, options, _env, self) => {
    tokens[index]!.attrSet('target', '_blank')
    tokens[index]!.attrSet('rel', 'noopener noreferrer')
    return self.renderToken(tokens, index, options)
  }
  const shiftHeading = (tag: string, env: Env | undefined) => `h${Math.min(6, Number(tag.slice(1)) + ((env as RenderEnvironment | undefined)?.headingShift ?? 0))}`
  rules.heading_open = (tokens, index, _options, env, self) => `<${shiftHeading(tokens[index]!.tag, env)}${self.renderAttrs(tokens[index]!)}>`
  rules.heading_close = (tokens, index, _options, env) => `</${shiftHeading(tokens[index]!.tag, env)}>\n`
  // Wide tables and code scroll sideways inside the bubble instead of widening it; a scrolling box
  // takes focus, so the keyboard can scroll it too.
  rules.table_open = () => '<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table>\n'
  rules.table_close = () => '</table></div>\n'
  rules.code_block = (tokens, index) => codeBlock(tokens[index]!.content, '')
  rules.fence = (tokens, index) => {
    const token = tokens[index]!
    return codeBlock(token.content, token.info.trim().split(/\s+/)[0] ?? '')
  }
  return md
}

/** A code block with its language label and Copy button. */
function codeBlock(code: string, language: string): string {
  const { html, language: known } = highlightCode(code, language)
  const label = known ? `<span class="code-language">${escapeHtml(known)}</span>` : ''
  const className = known ? ` class="hljs language-${escapeHtml(known)}"` : ''
  return `<div class="code-block"><div class="code-head">${label}<button type="button" class="code-copy" aria-label="Copy code">${CODE_COPY_LABEL}</button></div>`
    + `<pre tabindex="0"><code${className}>${html}</code></pre></div>\n`
}

const renderer = createRenderer()

/**
 * Moves `insertion` inside the closing tags (and markdown-it's line breaks between them) that end
 * `html`, so it sits right after the last character of text.
 */
function insertBeforeClosingTags(html: string, insertion: string): string {
  let end = html.length
  while (end > 0) {
    if (html[end - 1] === '\n') {
      end--
      continue
    }
    if (html[end - 1] !== '>') break
    const tagStart = html.lastIndexOf('<', end - 1)
    if (html[tagStart + 1] !== '/') break
    end = tagStart
  }
  return html.slice(0, end) + insertion + html.slice(end)
}

/** Renders a (possibly partial) Markdown answer to safe HTML. */
export function renderMarkdown(text: string, options: RenderMarkdownOptions = {}): string {
  return renderMarkdownBlocks(text, options).join('')
}

/**
 * The HTML of `renderMarkdown`, one string per top-level block (a paragraph, a list, a code block,
 * a table…): joined, they are that HTML. A streaming answer shown block by block
 * (components/MarkdownBlocks.vue) writes only the blocks that changed, not the whole answer.
 */
export function renderMarkdownBlocks(text: string, options: RenderMarkdownOptions = {}): string[] {
  // A reference definition (`[a]: url`) makes links anywhere in the text, and markdown-it counts
  // the lines of text with `\r` or NUL differently: such text is read whole every time.
  // Its blocks are not kept either: rendered with its definitions (or lines), they would lend them
  // to another text that starts the same.
  const blocks = /\]:|[\r\0]/.test(text) ? renderBlocks(text, null, false) : renderBlocks(text, prefixOf(text))
  return finishBlocks(blocks, options)
}

/** The same as `renderMarkdown`, read and rendered whole (no closed blocks taken from lib/markdown-prefixes.ts). */
export function renderMarkdownWhole(text: string, options: RenderMarkdownOptions = {}): string {
  const tokens = renderer.parse(text, {})
  const env: RenderEnvironment = { headingShift: TOP_HEADING_LEVEL - topHeadingLevel(tokens) }
  const rendered = renderer.renderer.render(tokens, renderer.options, env).trimEnd()
  return options.cursor ? insertBeforeClosingTags(rendered, CURSOR_HTML) : rendered
}

/**
 * `blocks` as shown: the white space that ends each (markdown-it's line break after a block) starts
 * the next one instead, so a block's HTML stays the same once another follows it; the last one's is
 * dropped (trimmed, as the text's end). The cursor goes in the last block, if asked.
 */
function finishBlocks(blocks: string[], options: RenderMarkdownOptions): string[] {
  const shown: string[] = []
  let carried = ''
  for (const block of blocks) {
    const body = block.trimEnd()
    shown.push(carried + body)
    carried = block.slice(body.length)
  }
  while (shown.length && !shown.at(-1)!.trim()) shown.pop()
  if (options.cursor) {
    if (shown.length) shown[shown.length - 1] = insertBeforeClosingTags(shown.at(-1)!, CURSOR_HTML)
    else shown.push(CURSOR_HTML)
  }
  return shown
}

/** `tokens` rendered one top-level block at a time (a block ends with a level-0 token that opens nothing). */
function blocksOf(tokens: Token[], env: RenderEnvironment): string[] {
  const blocks: string[] = []
  let start = 0
  tokens.forEach((token, index) => {
    if (token.level !== 0 || token.nesting === 1) return
    blocks.push(renderer.renderer.render(tokens.slice(start, index + 1), renderer.options, env))
    start = index + 1
  })
  if (start < tokens.length) blocks.push(renderer.renderer.render(tokens.slice(start), renderer.options, env))
  return blocks
}

/** The smallest heading level in `tokens` (`NO_HEADING`: none). */
function topHeadingLevel(tokens: Token[]): number {
  return tokens.reduce((top, token) => (token.type === 'heading_open' ? Math.min(top, Number(token.tag.slice(1))) : top), NO_HEADING)
}

/**
 * `text` as HTML, its closed blocks up to `known.end` taken as rendered before; keeps the closed
 * blocks it reads for the next piece (unless `keep` is false: a text read whole keeps none). A
 * block is closed once the next one starts on a whole line (a line still being written may yet
 * join the block before it: `#` then `#x`) — a first line with a `|` (a table's, maybe) with its next.
 */
function renderBlocks(text: string, known: RenderedPrefix | null, keep = true): string[] {
  const start = known?.end ?? 0
  const rest = text.slice(start)
  const tokens = renderer.parse(rest, {})
  const knownTokens = (known?.tokens ?? []) as Token[]
  const topLevel = Math.min(known?.topLevel ?? NO_HEADING, topHeadingLevel(tokens))
  const env: RenderEnvironment = { headingShift: TOP_HEADING_LEVEL - topLevel }
  // A heading above the earlier ones moves them all down: their tokens are rendered again (once a shift).
  let before = known?.html.get(env.headingShift) ?? (known?.topLevel === NO_HEADING ? known.html.values().next().value! : null)
  if (known && before === null) {
    // Their tokens not kept (a text over the kept prefixes' limit): read again, once a shift.
    before = blocksOf(known.tokens ? knownTokens : renderer.parse(text.slice(0, known.end), {}), env)
    known.html.set(env.headingShift, before)
  }
  before ??= []
  let last = tokens.length - 1
  while (last > 0 && (tokens[last]!.level !== 0 || tokens[last]!.nesting === -1)) last--
  const lastLine = tokens[last]?.map?.[0] ?? 0
  const lastLineStart = last > 0 ? lineStart(rest, lastLine) : -1
  let lastLineEnd = lastLineStart < 0 ? -1 : rest.indexOf('\n', lastLineStart)
  // A table is one only with its delimiter row, the line under its first: until that line is
  // whole too, a paragraph right above may yet take both lines back (`a|b` then `--|--|--`). The
  // same holds for any first line with a `|`, table or not here: one that a list item above would
  // have taken as a lazy line ends that item only where it starts a table inside the item, which
  // its next line decides (`- a`, `b|c`, then `    --|--` or not).
  if (lastLineEnd >= 0 && rest.slice(lastLineStart, lastLineEnd).includes('|')) lastLineEnd = rest.indexOf('\n', lastLineEnd + 1)
  if (lastLineEnd < 0 || !keep) return before.concat(blocksOf(tokens, env))
  const closed = tokens.slice(0, last)
  const closedHtml = before.concat(blocksOf(closed, env))
  keepPrefix({
    key: text.slice(0, start + lastLineEnd + 1),
    end: start + lastLineStart,
    tokens: known && !known.tokens ? null : knownTokens.concat(closed),
    html: new Map([[env.headingShift, closedHtml]]),
    topLevel: Math.min(known?.topLevel ?? NO_HEADING, topHeadingLevel(closed)),
  }, known)
  return closedHtml.concat(blocksOf(tokens.slice(last), env))
}

/** Where line `line` (from 0) of `text` starts. */
function lineStart(text: string, line: number): number {
  let at = 0
  for (let count = 0; count < line; count++) at = text.indexOf('\n', at) + 1
  return at
}
