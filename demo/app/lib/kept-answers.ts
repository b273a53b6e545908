/**
 * Partial answers kept in this browser, in `localStorage`: the text of a turn its server cut off
 * (a graceful restart) or lost track of (a crash), so that after a reload, when a memory provider
 * no longer has the job, the turn still shows the part of the answer that had arrived — next to
 * its prompt, which `known-jobs.ts` and the prompt cache keep. Bounded: the newest few answers,
 * each cut to a length.
 */

import { cutText } from '../../../shared/cut-text'
import { storedList } from './stored-list'

const STORAGE_KEY = 'background-jobs-demo:kept-answers'
/** Oldest answers are dropped past this many. */
export const KEPT_ANSWERS_MAX = 20
/** An answer longer than this keeps its beginning only. */
export const KEPT_ANSWER_MAX_CHARS = 20_000

/** A kept answer. */
export interface KeptAnswer {
  text: string
  /** Only the first `KEPT_ANSWER_MAX_CHARS` characters were kept. */
  truncated: boolean
}

type Entry = [jobId: string, answer: KeptAnswer]

// Storage full or disabled: the turn then keeps only its prompt after a reload.
const { read, write } = storedList<Entry>(STORAGE_KEY, KEPT_ANSWERS_MAX)

/** Keeps (or replaces) the partial answer of a job. */
export function keepAnswer(jobId: string, text: string): void {
  if (!text) return
  const answer = { text: cutText(text, KEPT_ANSWER_MAX_CHARS), truncated: text.length > KEPT_ANSWER_MAX_CHARS }
  write([...read().filter(([id]) => id !== jobId), [jobId, answer]])
}

/** The partial answer kept for a job, if any. */
export function keptAnswer(jobId: string): KeptAnswer | null {
  return read().find(([id]) => id === jobId)?.[1] ?? null
}

/** Forgets a job's partial answer (its turn was removed, retried, or finished after all). */
export function forgetAnswer(jobId: string): void {
  const entries = read()
  if (entries.some(([id]) => id === jobId)) write(entries.filter(([id]) => id !== jobId))
}
