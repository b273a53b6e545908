/**
 * Code highlighting for the chat's Markdown: highlight.js core with a few common languages, so the
 * bundle stays small. An unknown or missing language is plain escaped text (no auto-detection: it
 * is slow and flickers while a block streams in).
 */
import hljs from 'highlight.js/lib/core'
import bash from 'highlight.js/lib/languages/bash'
import css from 'highlight.js/lib/languages/css'
import diff from 'highlight.js/lib/languages/diff'
import javascript from 'highlight.js/lib/languages/javascript'
import json from 'highlight.js/lib/languages/json'
import python from 'highlight.js/lib/languages/python'
import sql from 'highlight.js/lib/languages/sql'
import typescript from 'highlight.js/lib/languages/typescript'
import xml from 'highlight.js/lib/languages/xml'
import yaml from 'highlight.js/lib/languages/yaml'

export { CODE_COPY_LABEL } from './code-copy-label'

const LANGUAGES = { bash, css, diff, javascript, json, python, sql, typescript, xml, yaml }
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language)
hljs.registerAliases(['vue', 'svg'], { languageName: 'xml' })

/** Longest language label shown above a block. */
const MAX_LABEL_CHARS = 20

/** A block as safe HTML, and the label to show (the fence's language word, or null). */
export interface HighlightedCode {
  html: string
  language: string | null
}

/**
 * A run of word characters this long is left unhighlighted: highlight.js's time grows with the
 * square of the longest word for some grammars (javascript, typescript, bash) — a 40,000-character
 * word took seconds, re-rendered on every streamed piece and on the server for the page.
 */
const LONG_WORD = /[\w$]{200}/

/**
 * Blocks highlighted lately, the most recently used last. A streaming answer is rendered again on
 * every piece, and its finished blocks come back unchanged each time: highlighting them all again
 * made every piece cost more the longer the answer got.
 */
const highlighted = new Map<string, HighlightedCode>()
/**
 * What `highlighted` may hold (each block's code and HTML), in characters: a long answer's blocks
 * fit; a chat left open for hours (and the server's render, which shares it) keeps no more.
 */
const HIGHLIGHTED_MAX_CHARS = 1_000_000
let highlightedChars = 0

/** Highlights `code` written in `language` (a fence's info word, e.g. `ts`); escapes it either way. */
export function highlightCode(code: string, language: string): HighlightedCode {
  const label = language ? language.toLowerCase().slice(0, MAX_LABEL_CHARS) : null
  if (!label || !hljs.getLanguage(label)) return { html: escapeText(code), language: label }
  const key = `${label}\n${code}`
  const known = highlighted.get(key)
  if (known) {
    highlighted.delete(key)
    highlighted.set(key, known)
    return known
  }
  const html = LONG_WORD.test(code) ? escapeText(code) : hljs.highlight(code, { language: label, ignoreIllegals: true }).value
  remember(key, { html, language: label })
  return { html, language: label }
}

/**
 * Forgets every highlighted block: the next render of a block highlights it again. For
 * measurements of a first render (bench/markdown.ts), which a kept block would skip.
 */
export function forgetHighlightedCode(): void {
  highlighted.clear()
  highlightedChars = 0
}

/** Keeps a highlighted block, dropping the least recently used ones beyond the bound. */
function remember(key: string, block: HighlightedCode): void {
  const chars = key.length + block.html.length
  if (chars > HIGHLIGHTED_MAX_CHARS) return
  highlighted.set(key, block)
  highlightedChars += chars
  for (const [oldKey, old] of highlighted) {
    if (highlightedChars <= HIGHLIGHTED_MAX_CHARS) break
    highlighted.delete(oldKey)
    highlightedChars -= oldKey.length + old.html.length
  }
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
