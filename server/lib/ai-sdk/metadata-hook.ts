/**
 * The app's `background-jobs:chat-message-metadata` hook as the AI SDK routes use it: looked up at
 * each response (a hook registered later counts; with none, no call and no record read), then
 * called for that response's job through `createMessageMetadataSource`.
 */
import type { JobsRouteContext } from '../http/handler'
import { routeLogger } from '../http/route-logger'
import type { JobRecord } from '../providers/types'
import type { MessageMetadataSource } from './message-metadata'
import { createMessageMetadataSource } from './message-metadata'

type MetadataHook = NonNullable<JobsRouteContext['engine']['hooks']['chatMessageMetadata']>

/** The app's hook when it listens now, else null. */
function listeningHook({ engine }: Pick<JobsRouteContext, 'engine'>): MetadataHook | null {
  const hook = engine.hooks?.chatMessageMetadata
  return !hook || engine.hooks.isListening?.('chatMessageMetadata') === false ? null : hook
}

function sourceOf(context: Pick<JobsRouteContext, 'engine'>, hook: MetadataHook, job: JobRecord): MessageMetadataSource {
  return createMessageMetadataSource({ job, hook, logger: routeLogger, timers: context.engine.hookTimers })
}

/** The metadata source of a job whose record the caller already read for this request's user, or null when the app has no hook. */
export function recordMetadataSource(context: Pick<JobsRouteContext, 'engine'>, job: JobRecord): MessageMetadataSource | null {
  const hook = listeningHook(context)
  return hook ? sourceOf(context, hook, job) : null
}

/** The metadata source of job `jobId` for this request's user, or null when the app has no hook. */
export async function messageMetadataSource(context: JobsRouteContext, jobId: string): Promise<MessageMetadataSource | null> {
  const hook = listeningHook(context)
  if (!hook) return null
  let job
  try {
    job = await context.engine.getJobRecord(context.userId, jobId)
  }
  catch {
    // Not this user's job, or the store cannot answer: attaching to the job fails the same way
    // next, and the stream reports it as it does without a hook.
    return null
  }
  return sourceOf(context, hook, job)
}
