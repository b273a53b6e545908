/**
 * The job behind an assistant message of an AI SDK chat: the message's id is its job's id. A post
 * about that message asks several questions of one job (an output late? refused? an answer?):
 * `postedJob` reads it once, when first asked, for all of them. `chatJobOf` is the job only when
 * it is this user's chat job in chat `chatId`: a post naming any other (gone, another user's,
 * another chat's, a workflow) has none, and the caller treats the message as not this chat's
 * job's, never as a failure.
 */
import type { JobState } from '../../../shared/reducer'
import type { JobSummary } from '../engine-types'
import { JobNotFoundError } from '../errors'
import type { JobsRouteContext } from '../http/handler'

/** A job and its state, as one read gave them. */
export interface ReadJob {
  job: JobSummary
  state: JobState
}

/** Reads the posted message's job (this user's), once however often it is called; null when there is none. */
export type PostedJob = () => Promise<ReadJob | null>

/** The reader of the job of message `messageId` for one post. */
export function postedJob(context: JobsRouteContext, messageId: string): PostedJob {
  let read: Promise<ReadJob | null> | undefined
  return () => read ??= context.engine.getJob(context.userId, messageId).catch((error: unknown) => {
    if (error instanceof JobNotFoundError) return null
    throw error
  })
}

/** The posted job when it is a chat job of chat `chatId`; null otherwise. */
export async function chatJobOf(posted: PostedJob, chatId: string): Promise<ReadJob | null> {
  const found = await posted()
  return found && found.job.type === 'chat' && found.job.threadId === chatId ? found : null
}
