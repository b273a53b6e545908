/**
 * How an AI SDK answer ended, when it did not finish well: the demo's
 * `background-jobs:chat-message-metadata` hook (server/plugins/answer-end-metadata.ts) puts
 * `{ ended: 'failed', error }` or `{ ended: 'aborted' }` in the assistant message's finish
 * metadata, which the messages route gives back after a reload. Without it a failed answer came
 * back as a finished one, cut mid-sentence: the SDK's `error` is gone with the page. Pure, so it
 * is unit-tested. A completed answer the model's length limit or the provider's content filter cut
 * gets `{ ended: 'cut-off', by }`, so the page says so as the job page does.
 */
import type { JobState } from '../../../shared/reducer'

/** What the hook sets on an answer that failed, was stopped, or completed cut off. */
export interface AnswerEndMetadata {
  ended: 'failed' | 'aborted' | 'cut-off'
  /** The job's error message (a failed answer). */
  error?: string
  /** The job's error code (a failed answer): its kind, said in a sentence (lib/failure-kinds.ts). */
  code?: string
  /** The model endpoint's HTTP status (the job error's `httpStatus`: an HTTP answer's, or an error chunk's): whether Retry can help. */
  httpStatus?: number
  /** The model endpoint's name for the failure (the job error's `upstreamCode`): a prompt over the context window gets no Retry. */
  upstreamCode?: string
  /** What cut a completed answer (`cut-off`): the model's length limit or the provider's content filter. */
  by?: 'length' | 'content-filter'
}

/**
 * What cut a completed answer short, read from its last round's finish reason as the job page's
 * `cutOffByLength` / `cutOffByFilter` (lib/turn-report.ts) read it, or null. Not imported from
 * there: the demo's server plugin uses this file, and turn-report's types pull in browser code.
 */
export function cutOffBy(state: Pick<JobState, 'status' | 'steps'>): AnswerEndMetadata['by'] | null {
  const reason = state.status === 'completed' ? state.steps.at(-1)?.finishReason : undefined
  return reason === 'length' || reason === 'model_length' ? 'length' : reason === 'content_filter' ? 'content-filter' : null
}

/** The note under an answer that completed cut off, as the job page words it (JobTurn.vue). */
const CUT_OFF_NOTES: Record<NonNullable<AnswerEndMetadata['by']>, string> = {
  'length': 'Cut off — the model reached its length limit. Ask it to continue.',
  'content-filter': 'Cut off — the provider\'s content filter stopped the answer.',
}

/**
 * How an answer ended, as its note says it; `code` (a failed one's, when the metadata has it) names
 * its kind, `httpStatus` the model endpoint's status when it answered one, `upstreamCode` its name for the failure.
 */
export interface AnswerEndNote {
  kind: 'failed' | 'stopped' | 'cut-off'
  text: string
  code?: string
  httpStatus?: number
  upstreamCode?: string
}

/** The note under a stopped answer of which something came (text, reasoning, tool calls): kept, as the main chat words it. */
export const STOPPED_PARTIAL_NOTE = 'Stopped — the partial answer is kept.'
/** The note under a stopped answer of which nothing came. */
export const STOPPED_UNANSWERED_NOTE = 'Stopped before any answer came.'

/**
 * The note under a failed, stopped or cut-off answer (`answered`: some of it came), worded as the main
 * chat words it; null when it ended well or runs. A failed answer's `text` is the job's message
 * (what `useChat`'s error says too), its `code` the kind the page words it by.
 */
export function answerEndNote(metadata: unknown, answered = true): AnswerEndNote | null {
  if (!metadata || typeof metadata !== 'object') return null
  const { ended, error, by, code, httpStatus, upstreamCode } = metadata as Partial<AnswerEndMetadata>
  if (ended === 'cut-off' && (by === 'length' || by === 'content-filter')) return { kind: 'cut-off', text: CUT_OFF_NOTES[by] }
  if (ended === 'failed') {
    return {
      kind: 'failed',
      text: typeof error === 'string' && error ? error : 'The answer failed.',
      ...(typeof code === 'string' && code ? { code } : {}),
      ...(typeof httpStatus === 'number' ? { httpStatus } : {}),
      ...(typeof upstreamCode === 'string' && upstreamCode ? { upstreamCode } : {}),
    }
  }
  if (ended === 'aborted') return { kind: 'stopped', text: answered ? STOPPED_PARTIAL_NOTE : STOPPED_UNANSWERED_NOTE }
  return null
}

/**
 * A part of an answer that says some of it came: text or reasoning with words, or a tool call (a
 * stopped answer that called tools did answer, though it wrote nothing).
 */
function isAnswerPart(part: { type: string, text?: unknown }): boolean {
  if (part.type === 'text' || part.type === 'reasoning') return typeof part.text === 'string' && part.text.trim() !== ''
  return part.type.startsWith('tool-') || part.type === 'dynamic-tool'
}

/** `answerEndNote` of a message: an assistant's, answered when some of it came; null for the user's. */
export function messageEndNote(message: { role: string, metadata?: unknown, parts: ReadonlyArray<{ type: string, text?: unknown }> } | undefined): ReturnType<typeof answerEndNote> {
  if (message?.role !== 'assistant') return null
  return answerEndNote(message.metadata, message.parts.some(isAnswerPart))
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
