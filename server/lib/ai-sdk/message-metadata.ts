/**
 * AI SDK message metadata (`message.metadata` in the client) from the app's
 * `background-jobs:chat-message-metadata` hook — what an AI SDK route gives
 * `toUIMessageStreamResponse({ messageMetadata })`. The hook is asked once per response start,
 * once per model round's end and once per finish, with the job and the state the client is brought to at that point,
 * so a replay or a resume of the same job state gets the same metadata. What it sets goes out as
 * the client will read it (its JSON), or not at all: a value that is not JSON or is larger than
 * `MAX_MESSAGE_METADATA_BYTES` (metadata-json.ts) is left out with one warning naming the hook and the job.
 */
import type { JobState } from '../../../shared/reducer'
import { callAppHook, APP_HOOK_NAMES } from '../app-hook'
import type { ChatMessageMetadataContext } from '../hooks'
import type { Logger } from '../logger'
import type { JobRecord } from '../providers/types'
import type { TimerSet } from '../timers'
import { asSent } from './metadata-json'
import type { UiChunk } from './ui-chunks'

/** Which chunk the metadata is for. */
export type MessageMetadataPart = ChatMessageMetadataContext['part']

/** The metadata of one part for the client at `state` (undefined: none). */
export type MessageMetadataSource = (part: MessageMetadataPart, state: JobState) => Promise<unknown>

/** Options of a source. */
export interface MessageMetadataSourceOptions {
  job: JobRecord
  /** Calls the app's hook (Nitro's `callHook`). */
  hook: (context: ChatMessageMetadataContext) => unknown
  logger: Logger
  timers: TimerSet
}

/** Asks the app's hook for job `job`'s metadata, with the failure handling of every app hook (app-hook.ts). */
export function createMessageMetadataSource(options: MessageMetadataSourceOptions): MessageMetadataSource {
  const { job, logger } = options
  return async (part, state) => {
    // A copy of the job: the memory store's record shares its `request` with the stored job, so a
    // hook that redacted `job.request.messages` in place redacted the chat's history.
    const step = part === 'finish-step' ? state.steps.at(-1) : undefined
    const context: ChatMessageMetadataContext = { job: structuredClone(job), state, part, ...(step ? { step } : {}), metadata: undefined }
    // A hook that threw or has not settled sends nothing, not what it had set so far.
    if (!await callAppHook('chatMessageMetadata', () => options.hook(context), { logger, timers: options.timers, jobId: job.id })) return undefined
    const sent = asSent(context.metadata)
    if ('problem' in sent) {
      logger.warn(`hook ${APP_HOOK_NAMES.chatMessageMetadata} set ${part} metadata that ${sent.problem}; the ${part} chunk goes without it`, { jobId: job.id })
      return undefined
    }
    return sent.metadata
  }
}

/** A response's first chunks with the start metadata on its `start` chunk. */
export function withStartMetadata(chunks: UiChunk[], metadata: unknown): UiChunk[] {
  if (metadata === undefined) return chunks
  return chunks.map(chunk => (chunk.type === 'start' ? { ...chunk, messageMetadata: metadata } : chunk))
}

/**
 * A response's last chunks with the finish metadata: on its `finish` chunk, or, for an aborted
 * job (an `abort` chunk, no `finish`), in a `message-metadata` chunk just before the `abort`. A
 * failed job's gets it also just before its `error` chunk: the SDK's `Chat` stops reading the
 * stream at `error`, so it never reads the `finish` after it.
 */
export function withFinishMetadata(chunks: UiChunk[], metadata: unknown): UiChunk[] {
  if (metadata === undefined) return chunks
  return chunks.flatMap((chunk): UiChunk[] => {
    if (chunk.type === 'finish') return [{ ...chunk, messageMetadata: metadata }]
    if (chunk.type === 'abort' || chunk.type === 'error') return [{ type: 'message-metadata', messageMetadata: metadata }, chunk]
    return [chunk]
  })
}

/**
 * Chunks with each model round's metadata (`source('finish-step', …)`, asked in order): a
 * `message-metadata` chunk just before the round's `finish-step`, where AI SDK 7's
 * `toUIMessageStream` puts what its `messageMetadata` gives for a `finish-step` part (the chunk
 * itself carries no field). `roundEndOf`: the client's state as a `finish-step` chunk's round
 * ended (chunk-mapper.ts). A round that ends after an `error` chunk (a failed job's last) has it
 * before that chunk, which the SDK's `Chat` stops reading at.
 */
export async function withStepMetadata(chunks: UiChunk[], source: MessageMetadataSource, roundEndOf: (chunk: UiChunk) => JobState | undefined): Promise<UiChunk[]> {
  if (!chunks.some(chunk => chunk.type === 'finish-step')) return chunks
  const sent: UiChunk[] = []
  let errorAt = -1
  for (const chunk of chunks) {
    const round = chunk.type === 'finish-step' ? roundEndOf(chunk) : undefined
    const metadata = round ? await source('finish-step', round) : undefined
    if (metadata !== undefined) sent.splice(errorAt === -1 ? sent.length : errorAt++, 0, { type: 'message-metadata', messageMetadata: metadata })
    if (chunk.type === 'error') errorAt = sent.length
    sent.push(chunk)
  }
  return sent
}

/** A plain object, as the SDK's merge sees one. */
function isMergeable(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * `overrides` merged into `base` as the AI SDK client merges a message's metadata chunks
 * (its `mergeObjects`): nested objects merged key by key, anything else replaced.
 */
export function mergeMetadata(base: unknown, overrides: unknown): unknown {
  if (base === undefined || base === null) return overrides
  if (overrides === undefined || overrides === null) return base
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype' || value === undefined) continue
    result[key] = isMergeable(value) && isMergeable(result[key]) ? mergeMetadata(result[key], value) : value
  }
  return result
}
