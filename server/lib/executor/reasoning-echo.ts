/**
 * The reasoning a round that asked for tools sends back with its calls. DeepSeek's (V3.2,
 * deepseek-reasoner) and Kimi K2's thinking modes stream `reasoning_content` with their tool calls
 * and require it on that assistant message in the next request (a 400, or a model that lost its
 * train of thought, without it). It goes back only to an endpoint that sent it under that name: an
 * endpoint that never did may refuse the unknown field (OpenRouter's `reasoning` and Mistral's
 * thinking parts are not sent back). A chat continued after a takeover rebuilds it from the stored
 * log: the round's `step-end` says where it is in the job's reasoning. OpenRouter's
 * `reasoning_details` (Anthropic's thinking, Gemini's thought signatures) go back the same way:
 * the round's `step-end` stores the blocks themselves (model/reasoning-details.ts).
 */
import type { ReasoningDetail, TextRange } from '../../../shared/events'
import type { JobState } from '../../../shared/reducer'
import type { ModelToolCall } from '../model/types'
import type { RunContext } from '../run-context'
import type { ModelRound } from './model-round'

/** The reasoning to send back with a round's tool calls; undefined when there is none to send. */
export function echoedReasoning(round: ModelRound): string | undefined {
  return round.toolCalls.length && round.reasoningField === 'reasoning_content' && round.reasoning ? round.reasoning : undefined
}

/**
 * Where that reasoning is in the job's reasoning, for the round's `step-end` (chat rounds only: a
 * workflow node runs again from its start after a takeover, and parallel nodes interleave their
 * reasoning in the job's).
 */
export function echoedReasoningRange(context: RunContext, round: ModelRound, nodeId?: string): TextRange | undefined {
  if (nodeId || round.reasoningOffset === undefined || echoedReasoning(round) === undefined) return undefined
  const length = context.state().reasoning.length - round.reasoningOffset
  return length > 0 ? { offset: round.reasoningOffset, length } : undefined
}

/** A stored chat round's reasoning to send back with its calls (continuation.ts); undefined when it has none. */
export function storedEchoedReasoning(state: JobState, step: number): string | undefined {
  const range = state.steps.findLast(candidate => !candidate.nodeId && candidate.step === step && candidate.reasoningContent)?.reasoningContent
  return range ? state.reasoning.slice(range.offset, range.offset + range.length) || undefined : undefined
}

/** OpenRouter's reasoning blocks to send back with a round's tool calls; undefined when there are none. */
export function echoedReasoningDetails(round: ModelRound): ReasoningDetail[] | undefined {
  return round.toolCalls.length && round.reasoningDetails?.length ? round.reasoningDetails : undefined
}

/** The blocks a chat round's `step-end` stores (chat rounds only, as `echoedReasoningRange`). */
export function storedReasoningDetailsOf(round: ModelRound, nodeId?: string): ReasoningDetail[] | undefined {
  return nodeId ? undefined : echoedReasoningDetails(round)
}

/** A stored chat round's reasoning blocks to send back with its calls (continuation.ts); undefined when it has none. */
export function storedEchoedReasoningDetails(state: JobState, step: number): ReasoningDetail[] | undefined {
  const details = state.steps.findLast(candidate => !candidate.nodeId && candidate.step === step && candidate.reasoningDetails)?.reasoningDetails
  // An event too big for its store had its largest field replaced by a notice (event-size.ts).
  return Array.isArray(details) && details.length ? details : undefined
}

/**
 * The round with its reasoning blocks naming its calls by the ids the job gives them (`calls`, in
 * the round's order): Gemini's signature block has the `id` of the round's first call, and a call
 * whose id the job already used gets a new one (agent-loop.ts). A block still naming the old id
 * would belong to no call of the message, and Gemini refuses a call without its signature.
 */
export function withRenamedCallIds(round: ModelRound, calls: readonly ModelToolCall[]): ModelRound {
  if (!round.reasoningDetails?.length) return round
  const renamed = new Map<string, string>()
  round.toolCalls.forEach((call, index) => {
    // Two calls of the round with one id: a block names the first.
    if (!renamed.has(call.id)) renamed.set(call.id, calls[index]!.id)
  })
  const renames = (block: ReasoningDetail) => typeof block.id === 'string' && renamed.has(block.id) && renamed.get(block.id) !== block.id
  if (!round.reasoningDetails.some(renames)) return round
  return { ...round, reasoningDetails: round.reasoningDetails.map(block => renames(block) ? { ...block, id: renamed.get(block.id as string) } : block) }
}

/** The `extra_content` of a chat round's calls, by id, for its `step-end` (Gemini's thought signatures; chat rounds only). */
export function storedCallExtrasOf(calls: readonly ModelToolCall[], nodeId?: string): Record<string, Record<string, unknown>> | undefined {
  if (nodeId) return undefined
  const extras = calls.filter(call => call.extraContent).map(call => [call.id, call.extraContent!] as const)
  return extras.length ? Object.fromEntries(extras) : undefined
}

/** A stored chat round's `extra_content` of its call `id` (continuation.ts); undefined when it has none. */
export function storedCallExtra(state: JobState, step: number, id: string): Record<string, unknown> | undefined {
  const extras = state.steps.findLast(candidate => !candidate.nodeId && candidate.step === step && candidate.toolCallExtras)?.toolCallExtras
  // An event too big for its store had its largest field replaced by a notice (event-size.ts).
  const extra = extras && typeof extras === 'object' ? extras[id] : undefined
  return extra && typeof extra === 'object' ? extra : undefined
}
