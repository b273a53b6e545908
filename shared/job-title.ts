/**
 * A job's title, the short label lists and tabs show. A workflow's names what it is about — its
 * input's first text (a topic) — so two runs of one workflow can be told apart. Used by the server
 * (the stored title) and by the demo for a job it has just started.
 */
import { cutText } from './cut-text'

/** Titles are cut to this many characters (UTF-16 code units, never inside a character: cut-text.ts). */
export const TITLE_MAX_CHARS = 120

/** `research-report` with `{ topic: 'cats' }` → `research-report: cats`; without any text, `Workflow: research-report`. */
export function workflowTitle(workflow: string, input: unknown): string {
  const subject = firstText(input)
  return cutText(subject ? `${workflow}: ${subject}` : `Workflow: ${workflow}`, TITLE_MAX_CHARS)
}

/** The input itself when it is text, else its first top-level property with text, whitespace collapsed. */
function firstText(input: unknown): string {
  const candidates = typeof input === 'string' ? [input] : input && typeof input === 'object' && !Array.isArray(input) ? Object.values(input) : []
  for (const candidate of candidates) {
    const text = typeof candidate === 'string' ? candidate.replace(/\s+/g, ' ').trim() : ''
    if (text) return text
  }
  return ''
}
