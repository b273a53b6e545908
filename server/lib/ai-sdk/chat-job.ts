/**
 * The job behind an assistant message of an AI SDK chat: the message's id is its job's id, and the
 * job must be this user's chat job in chat `chatId`. A post naming any other (gone, another
 * user's, another chat's, a workflow) has none: the caller then treats the message as not this
 * chat's job's, never as a failure.
 */
import type { JobState } from '../../../shared/reducer'
import type { JobSummary } from '../engine-types'
import { JobNotFoundError } from '../errors'
import type { JobsRouteContext } from '../http/handler'

/** The chat job of message `messageId` in chat `chatId`, with its state; null when there is none. */
export async function chatJobOf(context: JobsRouteContext, chatId: string, messageId: string): Promise<{ job: JobSummary, state: JobState } | null> {
  let found
  try {
    found = await context.engine.getJob(context.userId, messageId)
  }
  catch (error) {
    if (error instanceof JobNotFoundError) return null
    throw error
  }
  return found.job.type === 'chat' && found.job.threadId === chatId ? found : null
}
