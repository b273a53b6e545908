/**
 * How an AI SDK answer ended, when it did not finish well: the demo's
 * `background-jobs:chat-message-metadata` hook (server/plugins/answer-end-metadata.ts) puts
 * `{ ended: 'failed', error }` or `{ ended: 'aborted' }` in the assistant message's finish
 * metadata, which the messages route gives back after a reload. Without it a failed answer came
 * back as a finished one, cut mid-sentence: the SDK's `error` is gone with the page. Pure, so it
 * is unit-tested.
 */

/** What the hook sets on an answer that failed or was stopped. */
export interface AnswerEndMetadata {
  ended: 'failed' | 'aborted'
  /** The job's error message (a failed answer). */
  error?: string
}

/**
 * The note under a failed or stopped answer (`answered`: it has text), worded as the main chat
 * words it; null when it ended well or runs.
 */
export function answerEndNote(metadata: unknown, answered = true): { kind: 'failed' | 'stopped', text: string } | null {
  if (!metadata || typeof metadata !== 'object') return null
  const { ended, error } = metadata as Partial<AnswerEndMetadata>
  if (ended === 'failed') return { kind: 'failed', text: typeof error === 'string' && error ? error : 'The answer failed.' }
  if (ended === 'aborted') return { kind: 'stopped', text: answered ? 'Stopped — the partial answer is kept.' : 'Stopped before any answer came.' }
  return null
}

/** True for an answer that was stopped (its metadata says `ended: 'aborted'`). */
export function isStoppedAnswer(metadata: unknown): boolean {
  return Boolean(metadata && typeof metadata === 'object' && (metadata as Partial<AnswerEndMetadata>).ended === 'aborted')
}

/**
 * The messages with the answers the abort route just stopped marked so: the tab that pressed Stop
 * closed its response first, so the stream's own finish metadata never reaches it.
 */
export function withStoppedAnswers<M extends { id: string, metadata?: unknown }>(messages: M[], stopped: { id: string, status: string }[]): M[] {
  const ids = new Set(stopped.filter(job => job.status === 'aborted').map(job => job.id))
  if (!messages.some(message => ids.has(message.id))) return messages
  return messages.map(message => (ids.has(message.id) ? { ...message, metadata: { ...(message.metadata && typeof message.metadata === 'object' ? message.metadata : {}), ended: 'aborted' } } : message))
}
