/**
 * A validated chat body (`POST /api/jobs`, or the AI SDK route's converted one) → what the engine
 * starts: the model checked against `upstream.allowedModels`, client system prompts dropped, and
 * tools switched off for this user offered as none.
 */
import type { z } from 'zod'
import { allowedModelNames } from '../config'
import type { BackgroundJobsConfig } from '../config'
import type { CreateJobInput } from '../engine-types'
import type { ChatJobRequest } from '../providers/types'
import type { FeatureFlags } from '../feature-flags'
import { RequestError } from './request'
import type { chatJobBodySchema } from './schemas'

/** A chat body that passed `chatJobBodySchema`. */
export type ChatJobBody = z.infer<ReturnType<typeof chatJobBodySchema>>

/** Builds the engine input of a chat job, or throws a 400 naming the problem. */
export function toChatJobInput(parsed: ChatJobBody, config: BackgroundJobsConfig, flags: FeatureFlags, idempotencyKey: string | null): CreateJobInput & { request: ChatJobRequest } {
  const allowedModels = allowedModelNames(config)
  if (parsed.model && allowedModels && !allowedModels.has(parsed.model)) {
    throw new RequestError(400, `model: "${parsed.model}" is not allowed here (upstream.allowedModels: ${[...allowedModels].join(', ')})`)
  }
  // System prompts from the client have no effect: the app sets them with the upstream-request hook.
  const messages = parsed.messages.filter(message => message.role !== 'system')
  if (messages.length === 0) throw new RequestError(400, 'messages: must hold at least one user or assistant message')
  return {
    // Tools switched off for this user: offer none (an empty list, not "every tool").
    request: { type: 'chat', messages, ...(parsed.model ? { model: parsed.model } : {}), ...(!flags.tools ? { tools: [] } : parsed.tools ? { tools: parsed.tools } : {}) },
    threadId: parsed.threadId,
    messageId: parsed.messageId,
    idempotencyKey,
  }
}
