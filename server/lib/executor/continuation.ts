/**
 * What a chat job continued after a takeover (`recovery.chat` = `continue`) sends the model: the
 * request's messages, then every round the lost owner finished with tool calls (the assistant's
 * calls and each call's stored result, cut to `limits.maxResultBytes` as the loop does), then the
 * answer so far as the start of the assistant's answer (a prefill) — so the model neither forgets
 * what its tools said nor calls them again, and the viewer sees one text. A round's reasoning that
 * the endpoint sent as `reasoning_content` goes back with its calls, as the loop sent it (reasoning-echo.ts).
 *
 * Each round's text goes with that round (round-text.ts): a round that asked for tools was over,
 * its text stays with its calls; only the text written since the last such round (the lost owner
 * died while that answer streamed) is the prefill, and with none the next round is a new one
 * (the paragraph break a round starts with) — so the job reads as it would have without the
 * takeover. Without the rounds' starts (`starts` absent) the whole text is the prefill.
 *
 * A call the lost owner left unanswered (still running, or waiting for an approval that the
 * takeover voided) is never run again: its effect is unknown. It gets an error result saying so,
 * in the job's log (`interruptedCalls`) and in the model's history.
 *
 * An agent node cut off by a takeover goes on with the same history of its own visit's rounds
 * (`storedRoundMessages`; workflows/agent-continuation.ts).
 */
import type { JobState, ToolCallState } from '../../../shared/reducer'
import { isToolOutcome } from '../../../shared/reducer'
import type { ChatJobRequest, ChatMessage } from '../providers/types'
import type { RunContext } from '../run-context'
import { shownToolName } from '../tool-name-list'
import { toolMessageContent } from './execute-tool'
import { historyArguments } from './history-arguments'
import { historyToolName } from './history-tool-name'
import { storedCallExtra, storedEchoedReasoning, storedEchoedReasoningDetails } from './reasoning-echo'
import type { RoundTexts, RoundTextStarts } from './round-text'
import { splitRoundTexts } from './round-text'
import { callKey } from './stop-conditions'
import { truncateResults } from './truncate-results'

/** The error result of a call a lost owner left unanswered (`resumedFrom`: the stored state, which tells a client tool's wait for the browser). */
export function interruptedCallError(call: Pick<ToolCallState, 'id' | 'name' | 'status'>, resumedFrom?: Pick<JobState, 'pendingInputs' | 'answeredInputs'>): string {
  if (call.status === 'waiting-approval') return `The tool ${shownToolName(call.name)} was not run: the server running this job stopped while the call waited for approval`
  // A client tool's call (running in the reducer) waiting for the browser: it never got its output.
  const forBrowser = resumedFrom && [...resumedFrom.pendingInputs, ...resumedFrom.answeredInputs].some(input => input.kind === 'tool-output' && input.toolCallId === call.id)
  return forBrowser
    ? `The tool ${shownToolName(call.name)} got no output: the server running this job stopped while the call waited for the browser's output`
    : `The tool ${shownToolName(call.name)} was interrupted: the server running this job stopped before it answered; it was not run again, so whether it had an effect is unknown`
}

/** The arguments as JSON text, as the loop sent them: `{}` for text that is not a JSON object (history-arguments.ts). */
function argumentsText(args: unknown): string {
  return historyArguments(typeof args === 'string' ? args : JSON.stringify(args ?? {}))
}

/** How often each call (`callKey`) of `calls` ran. */
export function callCounts(calls: readonly ToolCallState[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const call of calls) {
    // The `tool-call` event holds the arguments as the loop keyed them (decoded, or the raw text).
    const key = callKey(call.name, call.args)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return counts
}

/**
 * How often each call (`callKey`) of the stored state ran: the repeated-call limit counts the calls
 * of the whole job, so a takeover does not start the model's circles afresh.
 */
export function previousCallsOf(resumedFrom: JobState): Map<string, number> {
  return callCounts(resumedFrom.toolCalls.filter(call => !call.nodeId))
}

/**
 * True when the stored state's last chat round ended without asking for tools: the model's answer
 * is complete (only the job's end, one write later, was not stored). A round that asked for tools
 * leaves the same log until its `tool-call` events are stored: its `toolCallCount` tells them
 * apart (a log without it, written before it existed, is not taken as complete).
 */
export function answeredBefore(resumedFrom: JobState): boolean {
  const last = resumedFrom.steps.findLast(step => !step.nodeId)
  return last?.ended === true && last.toolCallCount === 0
}

/** The calls of the stored state that have no outcome (the continued run ends them as errors). */
export function interruptedCalls(resumedFrom: RunContext['resumedFrom']): ToolCallState[] {
  return (resumedFrom?.toolCalls ?? []).filter(call => !call.nodeId && !isToolOutcome(call.status))
}

/** The rounds' texts of a continued chat; null without the rounds' starts (then the whole text is the answer so far). */
function textsOf(resumedFrom: JobState, starts?: RoundTextStarts): RoundTexts | null {
  if (!starts) return null
  return splitRoundTexts(resumedFrom.content, starts, new Set(resumedFrom.toolCalls.filter(call => !call.nodeId).map(call => call.step)))
}

/** What a continued run sends the model after the history: the answer so far ('' for none: its next round is a new one). */
export function prefillOf(resumedFrom: JobState, starts?: RoundTextStarts): string {
  return textsOf(resumedFrom, starts)?.answerSoFar ?? resumedFrom.content
}

/** The conversation to send: the request's, plus the stored rounds and answer so far when continuing. */
export function continuationMessages(request: ChatJobRequest, resumedFrom: RunContext['resumedFrom'], maxResultBytes: number, starts?: RoundTextStarts): ChatMessage[] {
  if (!resumedFrom) return request.messages
  const texts = textsOf(resumedFrom, starts)
  const calls = resumedFrom.toolCalls.filter(call => !call.nodeId)
  return [...request.messages, ...storedRoundMessages(resumedFrom, calls, texts ?? { ofToolRound: new Map(), answerSoFar: resumedFrom.content }, maxResultBytes)]
}

/**
 * The stored rounds as history: each round that asked for tools (its text, its calls, each call's
 * stored result or the error of one left unanswered), then the answer so far as the start of the
 * assistant's answer (none when it is ''). `calls` are the rounds' calls (a chat's, or an agent node's visit's).
 */
export function storedRoundMessages(resumedFrom: JobState, calls: readonly ToolCallState[], texts: RoundTexts, maxResultBytes: number): ChatMessage[] {
  const messages: ChatMessage[] = []
  const steps = [...new Set(calls.map(call => call.step))].sort((a, b) => a - b)
  for (const step of steps) {
    const roundCalls = calls.filter(call => call.step === step)
    const reasoning = storedEchoedReasoning(resumedFrom, step)
    const details = storedEchoedReasoningDetails(resumedFrom, step)
    messages.push({
      role: 'assistant',
      content: texts.ofToolRound.get(step) || null,
      ...(reasoning ? { reasoning_content: reasoning } : {}),
      ...(details ? { reasoning_details: details } : {}),
      tool_calls: roundCalls.map((call) => {
        const extra = storedCallExtra(resumedFrom, step, call.id)
        return { id: call.id, type: 'function', function: { name: historyToolName(call.name), arguments: argumentsText(call.args) }, ...(extra ? { extra_content: extra } : {}) }
      }),
    })
    const contents = roundCalls.map(call => isToolOutcome(call.status)
      ? toolMessageContent({ id: call.id, name: call.name, status: call.status === 'stopped' ? 'error' : call.status, result: call.result, error: call.error, durationMs: call.durationMs ?? 0 })
      : JSON.stringify({ error: interruptedCallError(call, resumedFrom) }))
    const cut = truncateResults(contents, maxResultBytes).contents
    roundCalls.forEach((call, index) => messages.push({ role: 'tool', tool_call_id: call.id, name: historyToolName(call.name), content: cut[index]! }))
  }
  if (texts.answerSoFar) messages.push({ role: 'assistant', content: texts.answerSoFar })
  return messages
}
