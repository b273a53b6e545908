/**
 * The app's `background-jobs:chat-message-metadata` hook as the AI SDK routes use it: looked up at
 * each response (a hook registered later counts; with none, no call and no record read), then
 * called for that response's job through `createMessageMetadataSource`.
 */
import type { JobsRouteContext } from '../http/handler'
import { routeLogger } from '../http/route-logger'
import type { MessageMetadataSource } from './message-metadata'
import { createMessageMetadataSource } from './message-metadata'

/** The metadata source of job `jobId` for this request's user, or null when the app has no hook. */
export async function messageMetadataSource({ engine, userId }: JobsRouteContext, jobId: string): Promise<MessageMetadataSource | null> {
  const hook = engine.hooks?.chatMessageMetadata
  if (!hook || engine.hooks.hasChatMessageMetadata?.() === false) return null
  let job
  try {
    job = await engine.getJobRecord(userId, jobId)
  }
  catch {
    // Not this user's job, or the store cannot answer: attaching to the job fails the same way
    // next, and the stream reports it as it does without a hook.
    return null
  }
  return createMessageMetadataSource({ job, hook, logger: routeLogger, timers: engine.hookTimers })
}
