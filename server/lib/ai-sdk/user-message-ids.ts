/**
 * The id of the user message a chat job answers, as the messages route names it (chat-history.ts):
 * the `messageId` the job was started with, else `<jobId>:user` — a job started without one (the
 * main chat's first answer to a message, `POST /api/jobs`). An AI SDK client that loaded the chat
 * from the messages route answers such a message again (`regenerate()`, an edit) under that id,
 * so a job started with `messageId: '<jobId>:user'` answers the same message as job `<jobId>`.
 * The main chat's Regenerate and Retry of such a turn start a job with `messageId: '<jobId>'` (its
 * key, shown last as the main chat shows it): the messages route names that message `<jobId>:user`
 * too, so an AI SDK edit of it is not read as one more main-chat retry (placed last, the turns it
 * dropped kept) but as the same turn, in place.
 */

import { NAMED_JOB_SUFFIX as SUFFIX, namedJobIdOf } from '../../../shared/current-turns'

export { namedJobIdOf }

/** The user message id the messages route gives the turn of `job`. */
export function userMessageIdOf(job: { id: string, messageId?: string | null }): string {
  return job.messageId ?? `${job.id}${SUFFIX}`
}

/**
 * The user message id the messages route shows for `job`'s turn: `userMessageIdOf`, except that a
 * main-chat Regenerate or Retry of a job in `startedWithout` (the chat's jobs started without a
 * `messageId`) is named as that job's message, `<jobId>:user`.
 */
export function shownUserMessageIdOf(job: { id: string, messageId?: string | null }, startedWithout: ReadonlySet<string>): string {
  return job.messageId && startedWithout.has(job.messageId) ? `${job.messageId}${SUFFIX}` : userMessageIdOf(job)
}

/**
 * Whether `job` answers user message `messageId`: its own, the one the messages route named after
 * it, or (a main-chat Regenerate or Retry of job `<jobId>`) the `<jobId>:user` it is shown as.
 */
export function answersMessage(job: { id: string, messageId?: string | null }, messageId: string | null | undefined): boolean {
  if (!messageId) return false
  return job.messageId ? job.messageId === messageId || job.messageId === namedJobIdOf(messageId) : userMessageIdOf(job) === messageId
}
