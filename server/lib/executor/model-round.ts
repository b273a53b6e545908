/**
 * One model round of the loop: streams the model, forwarding text and reasoning to the job as
 * they arrive, and collects the tool calls, usage and finish reason. A model failure becomes a
 * `JobFailure` that says it happened in the model; an abort rethrows the job's abort reason.
 */
import type { ReasoningDetail, TokenUsage } from '../../../shared/events'
import { ModelError } from '../model/errors'
import type { ModelEvent, ModelRequest, ModelToolCall } from '../model/types'
import type { RunContext } from '../run-context'
import { JobFailure } from '../run-context'
import { textEnd } from '../text-end'
import { upstreamFields } from '../upstream-code'
import { contextBudgetOf } from '../model/context-budget'
import type { ContextBudget } from '../model/context-budget'
import { contextOverflowFailure, isContextOverflow } from './context-overflow'
import { fitToContextBudget } from './history-budget'
import { recordModelRound, roundOutcome } from '../metric-model-rounds'

/** What one round produced. */
export interface ModelRound {
  text: string
  /** The round's reasoning as the model sent it. */
  reasoning: string
  /** Where the round's reasoning begins in the job's reasoning (after the paragraph break before it); absent without reasoning. */
  reasoningOffset?: number
  /** The field the endpoint sent the reasoning in, when it takes it back in history (model/types.ts). */
  reasoningField?: 'reasoning_content'
  /** OpenRouter's reasoning blocks of the round, when the endpoint sent them (model/reasoning-details.ts). */
  reasoningDetails?: ReasoningDetail[]
  toolCalls: ModelToolCall[]
  finishReason: string | null
  usage?: TokenUsage
  /** Messages of earlier turns left out of the request to fit the model's context budget (history-budget.ts). */
  droppedMessages?: number
  /** The model the request named as sent (after the `upstream-request` hook). */
  model?: string
}

/** Turns a model failure into the job's failure. */
export function modelFailure(error: unknown, nodeId?: string): JobFailure {
  if (error instanceof JobFailure) return error
  const details = { failedDuring: 'model', ...(nodeId ? { nodeId } : {}) }
  if (error instanceof ModelError) return new JobFailure(error.code, error.message, { ...details, ...upstreamFields(error) })
  const message = error instanceof Error ? error.message : String(error)
  return new JobFailure('upstream-error', `The model request failed: ${message}`, details)
}

/** Line breaks at the start of a round's text or reasoning (dropped: a paragraph break comes first). */
const LEADING_LINE_BREAKS = /^(?:\r?\n)+/

/** What goes between the text of two rounds (or two agents), so they do not run together. */
export const ROUND_SEPARATOR = '\n\n'

/** The separator to put before a round's first delta: none at the start, or after a line break. */
export function separatorAfter(previous: string): string {
  return previous === '' || previous.endsWith('\n') ? '' : ROUND_SEPARATOR
}

/** How `streamModelRound` reports a round's progress and where it runs. */
export interface ModelRoundOptions {
  /** The workflow node whose agent runs the round. */
  nodeId?: string
  /** Called at the round's first text, reasoning or tool call (telemetry). */
  firstToken?: () => void
  /** The round goes on with the text so far (a prefill), so no paragraph break. @default false */
  continuesText?: boolean
  /**
   * Called with the model the round's request names once the `upstream-request` hook has left it,
   * before anything is sent: the loop stores the round's `step-start` with it, so an instance that
   * takes the job over knows which model a round cut off there asked (decision 32).
   */
  started?: (model: string) => void
  /** Gets the request as the hook left it, before it is sent (telemetry). */
  sent?: (request: ModelRequest) => void
}

/** Streams one round (see `ModelRoundOptions`). */
export async function streamModelRound(context: RunContext, request: ModelRequest, options: ModelRoundOptions = {}): Promise<ModelRound> {
  const { nodeId, continuesText = false, started, sent } = options
  let { firstToken } = options
  const round: ModelRound = { text: '', reasoning: '', toolCalls: [], finishReason: null }
  // The job's text and reasoning run across rounds: a round's first delta starts a new paragraph.
  let textStarted = continuesText
  let reasoningStarted = false
  // The request as sent (its model after the hook) and when: the round's metrics (metric-model-rounds.ts).
  let sentModel: string | undefined
  let sentAt = 0
  let firstTokenMs: number | undefined
  const onEvent = (event: ModelEvent) => {
    if (firstTokenMs === undefined && (event.type === 'text-delta' || event.type === 'reasoning-delta' || event.type === 'tool-call')) {
      firstTokenMs = performance.now() - sentAt
      firstToken?.()
      firstToken = undefined
    }
    switch (event.type) {
      case 'text-delta': {
        round.text += event.text
        // Line breaks a round's text starts with would stack up with the paragraph break before it.
        const text = textStarted ? event.text : event.text.replace(LEADING_LINE_BREAKS, '')
        if (!text) break
        context.text(textStarted ? text : separatorAfter(textEnd(context, 'content')) + text, nodeId)
        textStarted = true
        break
      }
      case 'reasoning-delta': {
        round.reasoning += event.text
        const text = reasoningStarted ? event.text : event.text.replace(LEADING_LINE_BREAKS, '')
        if (!text) break
        if (reasoningStarted) context.reasoning(text, nodeId)
        else {
          const separator = separatorAfter(textEnd(context, 'reasoning'))
          round.reasoningOffset = context.state().reasoning.length + separator.length
          context.reasoning(separator + text, nodeId)
        }
        reasoningStarted = true
        break
      }
      case 'tool-call':
        round.toolCalls.push(event.call)
        break
      case 'usage':
        round.usage = event.usage
        break
      case 'finish':
        round.finishReason = event.finishReason
        if (event.reasoningField) round.reasoningField = event.reasoningField
        if (event.reasoningDetails) round.reasoningDetails = event.reasoningDetails
        break
    }
  }
  // The tokens reported when the job is stopped were billed: counted as the abort comes (its end is
  // written at once, from the metrics of that moment). Usage a client reports after it, as the round
  // unwinds, is no longer the job's: named in a warning instead (late-metrics.ts).
  let countedUsage: TokenUsage | undefined
  const countUsage = () => {
    if (!round.usage || round.usage === countedUsage) return
    context.addMetrics({ tokens: countedUsage ? subtracted(round.usage, countedUsage) : round.usage })
    countedUsage = round.usage
  }
  context.signal.addEventListener('abort', countUsage, { once: true })
  // The budget of the model the request went to (the hook may switch it), for a refusal's hint.
  let budget: ContextBudget | null = null
  try {
    // Fitted after the hook: what it added (an app's system prompt) counts.
    const adjusted = await context.prepareModelRequest(request)
    // A job stopped while the hook ran starts no round.
    context.signal.throwIfAborted()
    started?.(adjusted.model)
    budget = contextBudgetOf(context.config, adjusted.model)
    const fitted = fitToContextBudget(adjusted, budget, nodeId)
    if (fitted.droppedMessages) round.droppedMessages = fitted.droppedMessages
    const prepared = fitted.request
    sent?.(prepared)
    sentModel = prepared.model
    round.model = prepared.model
    context.modelCalled?.(prepared.model)
    sentAt = performance.now()
    // Pushed when the client can (no async step per chunk), else iterated.
    if (context.model.consume) await context.model.consume(prepared, context.signal, onEvent)
    else for await (const event of context.model.stream(prepared, context.signal)) onEvent(event)
  }
  catch (error) {
    if (context.signal.aborted) {
      if (sentModel !== undefined) recordModelRound(sentModel, roundOutcome('aborted'), firstTokenMs)
      throw abortedRound(context, countUsage)
    }
    // A failed round's tokens, when the upstream counted them (a usage chunk after `finish_reason: "error"`).
    const failure = modelFailure(error, nodeId)
    if (sentModel !== undefined) recordModelRound(sentModel, roundOutcome(failure), firstTokenMs)
    if (error instanceof ModelError && error.usage) {
      context.addMetrics({ tokens: error.usage })
      failure.usage = error.usage
    }
    // The endpoint refused a prompt over the model's window: say which setting keeps it within.
    const thrown = isContextOverflow(error) ? contextOverflowFailure(failure, budget) : failure
    // No `step-end` will name it: the job's end line does (job-end-log.ts).
    if (sentModel !== undefined) thrown.model = sentModel
    throw thrown
  }
  finally {
    context.signal.removeEventListener('abort', countUsage)
  }
  recordModelRound(sentModel!, roundOutcome(context.signal.aborted ? 'aborted' : 'completed'), firstTokenMs)
  if (context.signal.aborted) throw abortedRound(context, countUsage)
  return round
}

/**
 * The abort that stops a round, its tokens counted: the usage it reported (the client reports a
 * retried attempt's before the abort) was billed, though no `step-end` will carry it.
 */
function abortedRound(context: RunContext, countUsage: () => void): unknown {
  countUsage()
  return context.signal.reason
}

/** What `usage` adds to `counted` (a later usage event of the round reports its whole usage so far). */
function subtracted(usage: TokenUsage, counted: TokenUsage): TokenUsage {
  return { prompt: usage.prompt - counted.prompt, completion: usage.completion - counted.completion, total: usage.total - counted.total }
}
