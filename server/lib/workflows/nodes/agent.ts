/**
 * Agent node: a model step with its own instructions, model and allowed tools. It runs the same
 * executor loop as a chat job, so its text, tool calls and approvals land in the job's log, tagged
 * with the node. Its output is the text it wrote (its last round's: the answer after its tools).
 * Cut off by a takeover, it goes on from what its visit stored (agent-continuation.ts).
 */
import { runAgentLoop } from '../../executor/agent-loop'
import { callCounts, storedRoundMessages } from '../../executor/continuation'
import { filteredAnswer, isFilteredAnswer } from '../../executor/filtered-answer'
import { cutOffVisit } from '../agent-continuation'
import type { AgentNode, WorkflowState } from '../define'
import type { NodeExecutor } from '../node-executor'
import { resolveText, toText } from '../resolve-inputs'

/** The user message of an agent with no `prompt`: the workflow input and every earlier output. */
export function defaultAgentPrompt(state: WorkflowState): string {
  const parts = [`Workflow input:\n${toText(state.input)}`]
  for (const [nodeId, output] of Object.entries(state.outputs)) parts.push(`Output of "${nodeId}":\n${toText(output)}`)
  return parts.join('\n\n')
}

/** Runs an agent node. */
export const runAgentNode: NodeExecutor<AgentNode> = async ({ nodeId, node, state, context, authorCode, resumeAfter, holdText }) => {
  const cutOff = resumeAfter !== Number.POSITIVE_INFINITY
  // The attempt a takeover cut off, run again: its rounds go on counting from the stored ones (as a
  // continued chat's do), so `maxSteps` holds across owners.
  const roundsBefore = cutOff ? context.resumedFrom?.nodeStates[nodeId]?.rounds ?? 0 : 0
  // And it goes on from its stored rounds and text (a held node's from its rounds' step-ends).
  const visit = cutOff ? cutOffVisit(context.resumedFrom, nodeId, holdText) : null
  const answerSoFar = visit?.texts.answerSoFar ?? ''
  // Its calls the lost owner left unanswered were ended as errors when the run began (run-workflow-job.ts).
  if (visit) {
    // Held again, written as it ends (only what its end's stored write lacks); the prefill is the held text's end.
    if (visit.held) context.continueHeldText(visit.held.held, visit.held.written)
    if (visit.answered) {
      if (isFilteredAnswer(visit.lastRound?.finishReason, answerSoFar)) throw filteredAnswer(nodeId)
      return answerSoFar
    }
    if (answerSoFar && !visit.held) context.continueText()
  }
  const instructions = resolveText(node.instructions, state, authorCode, 'instructions')
  const prompt = node.prompt === undefined ? defaultAgentPrompt(state) : resolveText(node.prompt, state, authorCode, 'prompt')
  const firstStep = roundsBefore + 1
  const result = await runAgentLoop(context, {
    messages: [
      { role: 'system', content: instructions },
      { role: 'user', content: prompt },
      ...(visit ? storedRoundMessages(context.resumedFrom!, visit.calls, visit.texts, context.config.limits.maxResultBytes) : []),
    ],
    model: node.model,
    toolNames: node.tools ?? [],
    nodeId,
    maxSteps: node.maxSteps,
    ...(roundsBefore > 0 ? { firstStep } : {}),
    ...(visit ? { continuesText: answerSoFar !== '', previousCalls: callCounts(visit.calls) } : {}),
  })
  // The round that went on from the answer so far answered: the output is the whole answer.
  return answerSoFar && result.steps === firstStep ? answerSoFar + result.text : result.text
}
