/**
 * Keeps a model request within the model's context budget (model/context-budget.ts): the oldest
 * whole turns of the history are left out until the request fits. A turn starts at a user message
 * and runs to the next one, so a tool call never goes without its result (both are in the turn of
 * the question that asked for them) and what remains starts with a question. Always sent: every
 * system message, and the newest turn — the newest user message and what came after it (the job's
 * own rounds, a prefill after a takeover). When those alone do not fit, the job fails with
 * `context-budget-exceeded` naming the setting, before the request is sent.
 *
 * Tokens are an estimate: the UTF-8 bytes of each message's JSON (and of the tool definitions) / 4,
 * about right for English text and code with the usual tokenizers, low for text in scripts of
 * several bytes per character (CJK): leave a margin below the model's window.
 */
import type { ChatMessage } from '../providers/types'
import type { ModelRequest } from '../model/types'
import type { ContextBudget } from '../model/context-budget'
import { JobFailure } from '../run-context'
import { jsonByteLength } from '../bytes'

/** UTF-8 bytes per token of the estimate. */
export const BYTES_PER_TOKEN = 4

/** The estimated tokens of a value sent as JSON (a message, the tool definitions). */
export function estimateTokens(value: unknown): number {
  return Math.ceil(jsonByteLength(value) / BYTES_PER_TOKEN)
}

/** What fitting a request did. */
export interface FittedRequest {
  request: ModelRequest
  /** Messages of earlier turns left out (0: the request went whole). */
  droppedMessages: number
}

/**
 * The request within `budget`: unchanged when it fits (or there is no budget), else without its
 * oldest turns. Throws `JobFailure` `context-budget-exceeded` when the newest turn does not fit.
 */
export function fitToContextBudget(request: ModelRequest, budget: ContextBudget | null, nodeId?: string): FittedRequest {
  if (!budget) return { request, droppedMessages: 0 }
  const messages = request.messages
  const sizes = messages.map(estimateTokens)
  let total = (request.tools ? estimateTokens(request.tools) : 0) + sizes.reduce((sum, size) => sum + size, 0)
  if (total <= budget.tokens) return { request, droppedMessages: 0 }
  const newest = messages.findLastIndex(message => message.role === 'user')
  // Turn starts before the newest: the first message that is no system message, then each user message.
  const dropped = new Set<number>()
  for (let index = 0; index < newest && total > budget.tokens;) {
    if (messages[index]!.role === 'system') {
      index++
      continue
    }
    // The turn runs to the next user message; system messages inside it stay.
    do {
      if (messages[index]!.role !== 'system') {
        dropped.add(index)
        total -= sizes[index]!
      }
      index++
    } while (index < newest && messages[index]!.role !== 'user')
  }
  if (total > budget.tokens) throw overBudget(total, budget, nodeId)
  const kept: ChatMessage[] = messages.filter((_, index) => !dropped.has(index))
  return { request: { ...request, messages: kept }, droppedMessages: dropped.size }
}

function overBudget(tokens: number, budget: ContextBudget, nodeId?: string): JobFailure {
  const what = nodeId ? `The agent node "${nodeId}"'s request` : 'The newest turn'
  return new JobFailure(
    'context-budget-exceeded',
    `${what} does not fit the model's context budget: about ${tokens} tokens (estimated, with the system prompt, the tool definitions and this job's tool results, every earlier turn left out) against ${budget.tokens} (${budget.setting}, ${budget.variable}). Raise the budget if the model's window allows, or send less in one turn.`,
    { failedDuring: 'model', ...(nodeId ? { nodeId } : {}) },
  )
}
