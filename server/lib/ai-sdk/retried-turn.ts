/**
 * A new turn posted again with its `Idempotency-Key` (its response was lost: a dropped connection,
 * a deploy) is answered with the key's job before anything else happens. The route ends the
 * chat's superseded, replaced and dropped answers around starting a turn (superseded-jobs.ts,
 * replaced-answers.ts, dropped-turns.ts), and checks the body against the current settings: looked
 * up only when the job was created, a retry repeated those ends (a late one aborted the answer the
 * user had regenerated since), and after a deploy that took its model out of
 * `upstream.allowedModels` or lowered `limits.maxMessageChars` or `maxToolsPerRequest` it got the
 * new version's 400 while its job ran. The key is looked up as `POST /api/jobs` does for a body its
 * settings refuse (http/chat-job-retry.ts): a creation that may only answer the key's job.
 */
import type { JobSummary } from '../engine-types'
import { unboundedChatConfig } from '../http/chat-job-retry'
import type { JobsRouteContext } from '../http/handler'
import { idempotencyKeyOf } from '../http/request'
import type { ChatRequest } from './chat-request'
import { chatTurnInput } from './chat-turn'

/** The key's job of a turn posted with an Idempotency-Key; null without a key, or when it has none. */
export async function retriedTurnJob(context: JobsRouteContext, request: ChatRequest): Promise<JobSummary | null> {
  if (!idempotencyKeyOf(context.event)) return null
  let input
  try {
    // Read as the version that took it may have: no bound, any model (the route's checks follow).
    input = chatTurnInput({ ...context, config: unboundedChatConfig(context.config) }, request)
  }
  catch {
    // Refused whatever the settings: no version started a job for it.
    return null
  }
  const noJob = new Error('no job for the Idempotency-Key')
  // Nothing is stored: the store gets the newest message only, not a long chat's history.
  const lookup = input.request.type === 'chat' ? { ...input.request, messages: input.request.messages.slice(-1) } : input.request
  try {
    return (await context.engine.createJob(context.userId, { ...input, request: lookup, refusedBySettings: noJob })).job
  }
  catch (error) {
    if (error === noJob) return null
    throw error
  }
}
