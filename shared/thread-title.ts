/**
 * The title a user gives one of their threads (`PATCH /api/jobs/threads/:threadId`): the rules the
 * server checks it by and a client's rename field keeps to, in one place. Counted as job titles are
 * (job-title.ts): UTF-16 code units, the length a JavaScript string and an input's `maxlength` count.
 */
import { controlCharacterProblem } from './control-characters'
import { TITLE_MAX_CHARS } from './job-title'

/** A thread's title is at most this many characters (UTF-16 code units), as a job's. */
export const THREAD_TITLE_MAX_CHARS = TITLE_MAX_CHARS

/** The title as stored: without whitespace at either end (a field's stray spaces). */
export function normalizedThreadTitle(title: string): string {
  return title.trim()
}

/**
 * Why a title (as given, before `normalizedThreadTitle`) cannot be a thread's, in words that
 * follow the field's name (`title: <problem>`), or null when it can.
 */
export function threadTitleProblem(title: string): string | null {
  const trimmed = normalizedThreadTitle(title)
  if (trimmed === '') return 'must not be empty or only whitespace'
  if (trimmed.length > THREAD_TITLE_MAX_CHARS) return `must be at most ${THREAD_TITLE_MAX_CHARS} characters (UTF-16 code units), got ${trimmed.length}`
  return controlCharacterProblem(trimmed)
}
