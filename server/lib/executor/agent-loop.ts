/**
 * The multi-turn tool loop (LLM → tools → LLM), run on the server with nobody watching:
 * `step-start` → stream the model → `step-end` → run the round's tool calls in parallel →
 * append the assistant message and the tool messages → repeat until the model answers without
 * tools. Stop conditions are checked before a round's tools run; a stop fails the job with a
 * message saying why (the engine keeps the partial content).
 */
import type { RunContext } from '../run-context'
import { JobFailure } from '../run-context'
import type { ChatMessage } from '../providers/types'
import type { ModelToolCall } from '../model/types'
import { executeToolCall, toolMessageBytes, toolMessageContent } from './execute-tool'
import { filteredAnswer, isFilteredAnswer } from './filtered-answer'
import { streamModelRound } from './model-round'
import { historyArguments } from './history-arguments'
import { historyToolName } from './history-tool-name'
import { decodeArguments } from './parse-tool-args'
import { echoedReasoning, echoedReasoningDetails, echoedReasoningRange, storedCallExtrasOf, storedReasoningDetailsOf, withRenamedCallIds } from './reasoning-echo'
import { resolveToolNames } from './resolve-tools'
import { traceModelRound, traceToolCall } from '../telemetry/step-spans'
import type { PlannedCall } from './stop-conditions'
import { callKey, checkStopConditions, defaultStopConditions } from './stop-conditions'
import { truncateResults } from './truncate-results'
import { toolCallIndex } from '../../../shared/tool-call-index'

/** What to run. */
export interface AgentLoopOptions {
  messages: ChatMessage[]
  /** @default context.defaultModel */
  model?: string
  /** Names of registered tools to offer; `undefined` = every enabled tool. */
  toolNames?: string[]
  /** Workflows: the node this loop runs for (tags every event). */
  nodeId?: string
  /** @default limits.maxSteps */
  maxSteps?: number
  /** Wall-clock budget of the loop; no new round or tool starts after it. @default limits.jobTimeoutMs */
  budgetMs?: number
  /** The number of the first round (a job continued after a takeover goes on counting). @default 1 */
  firstStep?: number
  /** The first round continues the job's text (a prefill after a takeover): no paragraph break before it. @default false */
  continuesText?: boolean
  /** How often each call (`callKey`) ran before this loop (a job continued after a takeover): counted by `limits.maxRepeatedCalls`. */
  previousCalls?: ReadonlyMap<string, number>
}

/** What the loop produced. */
export interface AgentLoopResult {
  /** The text of the last round: the model's answer after its tools. */
  text: string
  /** The conversation including the assistant and tool messages the loop added. */
  messages: ChatMessage[]
  /** Model rounds run. */
  steps: number
  finishReason: string | null
}

/** Gives every call an id that is unique in the job (models sometimes send none, or repeat one). */
function withUniqueIds(calls: ModelToolCall[], step: number, seen: Set<string>, jobIds: ReadonlyMap<string, number>): ModelToolCall[] {
  return calls.map((call, index) => {
    let id = call.id || `call_${step}_${index}`
    while (seen.has(id) || jobIds.has(id)) id = `${id}_${step}_${index}`
    seen.add(id)
    return { ...call, id }
  })
}

function plannedCall(call: ModelToolCall): PlannedCall {
  const decoded = decodeArguments(call.arguments)
  return { name: call.name, key: callKey(call.name, decoded.ok ? decoded.value : decoded.raw) }
}

/** Runs the loop; see the file comment. */
export async function runAgentLoop(context: RunContext, options: AgentLoopOptions): Promise<AgentLoopResult> {
  const { nodeId } = options
  const limits = context.config.limits
  const offeredTools = resolveToolNames(context.tools, context.config, options.toolNames)
  const tools = offeredTools.length ? context.tools.toModelTools(offeredTools) : undefined
  // A node's own limit is named as such: raising limits.maxSteps would not change it.
  const maxStepsSetting = nodeId ? `maxSteps of node "${nodeId}"` : 'maxSteps'
  const conditions = defaultStopConditions(limits, { maxSteps: options.maxSteps, maxStepsSetting, budgetMs: options.budgetMs })
  const messages = [...options.messages]
  const previousCalls = new Map<string, number>(options.previousCalls)
  // The ids this loop gave, beside the job's calls (looked up at every round that has calls): another
  // agent node of the workflow (one running beside this one in a parallel fan-out, too, between two
  // of its rounds; or the attempt a takeover cut off) may have used the ids this model sends again.
  // And the history's: earlier turns' rounds (decision 15) hold the ids their models gave, which a
  // model whose ids restart each response (`call_0`, `name:0`) says again — an endpoint refuses a
  // request that holds one id twice.
  const seenIds = new Set<string>(options.messages.flatMap(message => message.tool_calls?.map(call => call.id) ?? []))
  // Monotonic: a step of the wall clock (NTP, a VM resumed) must not spend the time budget.
  const startedAt = performance.now()
  const tag = nodeId ? { nodeId } : {}

  for (let step = options.firstStep ?? 1; ; step++) {
    if (context.signal.aborted) throw context.signal.reason
    // An owner back from a pause past its lease asks the upstream nothing before the store confirms the lease.
    const confirming = context.confirmLease?.()
    if (confirming) await confirming
    const request = { model: options.model ?? context.defaultModel, messages, ...(tools ? { tools } : {}) }
    const continuesText = options.continuesText === true && step === (options.firstStep ?? 1)
    // The round starts once the hook has chosen its model: its `step-start` names it (decision 32).
    // Counted then, as a takeover counts the stored `step-start`s (job-run.ts metricsSoFar): a job
    // stopped while the hook ran asked the model nothing.
    const started = (model: string) => {
      context.addMetrics({ total_rounds: 1 })
      context.emit({ type: 'step-start', step, model, ...tag })
    }
    const streamed = await traceModelRound(context, { step, request, nodeId }, (firstToken, sent) => streamModelRound(context, request, { nodeId, firstToken, continuesText, started, sent }))
    // Looked up in the job's call index, not copied from its calls each round (a long run has many).
    const calls = streamed.toolCalls.length ? withUniqueIds(streamed.toolCalls, step, seenIds, toolCallIndex(context.state().toolCalls)) : []
    // Before its blocks are stored: a reasoning block naming a renamed call names its new id.
    const round = withRenamedCallIds(streamed, calls)
    const reasoningContent = echoedReasoningRange(context, round, nodeId)
    const reasoningDetails = storedReasoningDetailsOf(round, nodeId)
    const toolCallExtras = storedCallExtrasOf(calls, nodeId)
    context.emit({ type: 'step-end', step, finishReason: round.finishReason, ...(round.usage ? { usage: round.usage } : {}), ...(reasoningContent ? { reasoningContent } : {}), ...(reasoningDetails ? { reasoningDetails } : {}), ...(toolCallExtras ? { toolCallExtras } : {}), toolCallCount: round.toolCalls.length, ...(round.droppedMessages ? { droppedMessages: round.droppedMessages } : {}), ...(round.model ? { model: round.model } : {}), ...tag })
    if (round.usage) context.addMetrics({ tokens: round.usage })

    if (!round.toolCalls.length) {
      if (isFilteredAnswer(round.finishReason, round.text)) throw filteredAnswer(nodeId)
      messages.push({ role: 'assistant', content: round.text })
      return { text: round.text, messages, steps: step, finishReason: round.finishReason }
    }

    const planned = calls.map(plannedCall)
    const stop = checkStopConditions(conditions, { step, calls: planned, previousCalls, elapsedMs: performance.now() - startedAt })
    if (stop) throw new JobFailure(stop.code, stop.message, { failedDuring: 'tool', ...(stop.toolName ? { toolName: stop.toolName } : {}), ...tag })
    for (const call of planned) previousCalls.set(call.key, (previousCalls.get(call.key) ?? 0) + 1)

    const reasoning = echoedReasoning(round)
    const details = echoedReasoningDetails(round)
    messages.push({
      role: 'assistant',
      content: round.text || null,
      ...(reasoning ? { reasoning_content: reasoning } : {}),
      ...(details ? { reasoning_details: details } : {}),
      // Endpoints refuse arguments that are not a JSON object in history ('' included), and names
      // outside their pattern: see history-arguments.ts and history-tool-name.ts.
      // Gemini's thought signature (`extra_content`) goes back on its call.
      tool_calls: calls.map(call => ({ id: call.id, type: 'function', function: { name: historyToolName(call.name), arguments: historyArguments(call.arguments) }, ...(call.extraContent ? { extra_content: call.extraContent } : {}) })),
    })
    const outcomes = await Promise.all(calls.map((call) => {
      const request = { id: call.id, name: call.name, args: call.arguments, step, offeredTools, ...tag }
      return traceToolCall(context, request, () => executeToolCall(context, request))
    }))
    const whole = outcomes.map(toolMessageContent)
    const { contents } = truncateResults(whole, limits.maxResultBytes, outcomes.map((outcome, index) => toolMessageBytes(outcome, whole[index]!)))
    outcomes.forEach((outcome, index) => {
      messages.push({ role: 'tool', tool_call_id: outcome.id, name: historyToolName(outcome.name), content: contents[index]! })
    })
  }
}
