/**
 * The id of the user message a chat job answers, as the messages route names it (chat-history.ts):
 * the `messageId` the job was started with, else `<jobId>:user` — a job started without one (the
 * main chat's first answer to a message, `POST /api/jobs`). An AI SDK client that loaded the chat
 * from the messages route answers such a message again (`regenerate()`, an edit) under that id,
 * so a job started with `messageId: '<jobId>:user'` answers the same message as job `<jobId>`.
 */

/** What the messages route appends to a job id to name the user message of a job started without `messageId`. */
const SUFFIX = ':user'

/** The user message id the messages route gives the turn of `job`. */
export function userMessageIdOf(job: { id: string, messageId?: string | null }): string {
  return job.messageId ?? `${job.id}${SUFFIX}`
}

/** The job id in a user message id the messages route named after a job, if it is one. */
export function namedJobIdOf(messageId: string | null | undefined): string | undefined {
  return messageId?.endsWith(SUFFIX) ? messageId.slice(0, -SUFFIX.length) : undefined
}

/** Whether `job` answers user message `messageId`: its own, or the one the messages route named after it. */
export function answersMessage(job: { id: string, messageId?: string | null }, messageId: string | null | undefined): boolean {
  if (!messageId) return false
  return job.messageId ? job.messageId === messageId : userMessageIdOf(job) === messageId
}
