/**
 * The chat body of `POST /api/jobs` → what the engine starts. A body this version's settings
 * refuse (a lower `limits.maxMessages`, `maxMessageChars` or `maxToolsPerRequest`, a model no
 * longer in `upstream.allowedModels`) may be the retry of a job an earlier version started with its
 * Idempotency-Key, whose response a deploy cut off (api.md: the same job on retry). So may a body
 * a rule added since refuses (the assistant's message last, chat-job-input.ts). With a key it is
 * read as no limit, any model and the rules of the first versions would read it (the same request
 * and fingerprint that version stored) and handed to the engine with the route's 400 as
 * `refusedBySettings`: the key's job is answered, and the 400 stands when the key has none.
 */
import type { BackgroundJobsConfig } from '../config'
import type { CreateJobInput } from '../engine-types'
import type { ChatJobRequest } from '../providers/types'
import type { FeatureFlags } from '../feature-flags'
import { requestFingerprint } from '../idempotency'
import { toChatJobInput } from './chat-job-input'
import { RequestError, validate } from './request'
import { chatJobBodySchema } from './schemas'

/** What the engine starts for a chat body. */
type ChatJobInput = CreateJobInput & { request: ChatJobRequest }

/** `config` with no bound a chat body is checked against, and every model allowed (also the AI SDK route's retried turns). */
export function unboundedChatConfig(config: BackgroundJobsConfig): BackgroundJobsConfig {
  const limits = { ...config.limits, maxMessages: Infinity, maxMessageChars: Infinity, maxToolsPerRequest: Infinity }
  return { ...config, limits, upstream: { ...config.upstream, allowedModels: '*' } }
}

function read(body: unknown, config: BackgroundJobsConfig, flags: FeatureFlags, idempotencyKey: string | null, accepted = false): ChatJobInput {
  const parsed = validate(chatJobBodySchema(config), body)
  const input = toChatJobInput(parsed, config, flags, idempotencyKey, { accepted })
  // The same key with another body is refused (422), not answered with the first body's job.
  return idempotencyKey ? { ...input, requestFingerprint: requestFingerprint(parsed) } : input
}

/** The engine input of a chat body; throws its 400 unless an Idempotency-Key may name a job an earlier version took. */
export function chatJobInputOf(body: unknown, config: BackgroundJobsConfig, flags: FeatureFlags, idempotencyKey: string | null): ChatJobInput {
  try {
    return read(body, config, flags, idempotencyKey)
  }
  catch (error) {
    if (!idempotencyKey || !(error instanceof RequestError) || error.statusCode !== 400) throw error
    let input: ChatJobInput
    try {
      input = read(body, unboundedChatConfig(config), flags, idempotencyKey, true)
    }
    catch {
      // Refused whatever the settings: no version took it.
      throw error
    }
    return { ...input, refusedBySettings: error }
  }
}
