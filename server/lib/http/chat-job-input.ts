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

/** Options of `toChatJobInput`. */
export interface ChatJobInputOptions {
  /**
   * The request was already accepted (a job's stored request taken over, the retry of a job an
   * Idempotency-Key started): the rules added since requests were first accepted do not apply to
   * it — the last message may be the assistant's (refused from 2026-12-04 on), as it could then.
   * @default false: a new request, every rule
   */
  accepted?: boolean
}

/** Builds the engine input of a chat job, or throws a 400 naming the problem. */
export function toChatJobInput(parsed: ChatJobBody, config: BackgroundJobsConfig, flags: FeatureFlags, idempotencyKey: string | null, options: ChatJobInputOptions = {}): CreateJobInput & { request: ChatJobRequest } {
  const allowedModels = allowedModelNames(config)
  if (parsed.model && allowedModels && !allowedModels.has(parsed.model)) {
    throw new RequestError(400, `model: "${parsed.model}" is not allowed here (upstream.allowedModels: ${[...allowedModels].join(', ')})`)
  }
  // System prompts from the client have no effect: the app sets them with the upstream-request hook.
  const messages = parsed.messages.filter(message => message.role !== 'system')
  refuseNothingToAnswer(parsed.messages, options.accepted === true)
  return {
    // Tools switched off for this user: offer none (an empty list, not "every tool").
    request: { type: 'chat', messages, ...(parsed.model ? { model: parsed.model } : {}), ...(!flags.tools ? { tools: [] } : parsed.tools ? { tools: parsed.tools } : {}) },
    threadId: parsed.threadId,
    messageId: parsed.messageId,
    idempotencyKey,
  }
}

/**
 * A chat job answers its last message, so that must be the user's. An assistant's last (or none
 * but system prompts, which are dropped) was taken: the model answered nothing asked — it wrote on
 * from its own words, or the endpoint refused the round mid-job. A 400 naming the message instead.
 * (A prefill after a takeover is the engine's own, never a body's: model.md, "What is sent".)
 * An `accepted` request ending with the assistant's was taken before this rule, and is kept: its
 * job runs on as it began; one of system messages only was never taken.
 */
function refuseNothingToAnswer(messages: ChatJobBody['messages'], accepted: boolean): void {
  const last = messages.findLastIndex(message => message.role !== 'system')
  if (last === -1) throw new RequestError(400, `messages: holds no user message: a chat job answers the last message, which must be the user's (${SYSTEM_IGNORED})`)
  const { role } = messages[last]!
  if (role !== 'user' && !accepted) throw new RequestError(400, `messages.${last}.role: the last message must be the user's, not the ${role}'s: a chat job answers it (${SYSTEM_IGNORED})`)
}

const SYSTEM_IGNORED = 'system messages are not counted: set prompts in the background-jobs:upstream-request hook'
