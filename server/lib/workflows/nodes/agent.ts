/**
 * Agent node: a model step with its own instructions, model and allowed tools. It runs the same
 * executor loop as a chat job, so its text, tool calls and approvals land in the job's log, tagged
 * with the node. Its output is the text it wrote.
 */
import { runAgentLoop } from '../../executor/agent-loop'
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
export const runAgentNode: NodeExecutor<AgentNode> = async ({ nodeId, node, state, context, authorCode, resumeAfter }) => {
  // The attempt a takeover cut off, run again: its rounds go on counting from the stored ones (as a
  // continued chat's do), so `maxSteps` holds across owners.
  const roundsBefore = resumeAfter === Number.POSITIVE_INFINITY ? 0 : context.resumedFrom?.nodeStates[nodeId]?.rounds ?? 0
  const instructions = resolveText(node.instructions, state, authorCode, 'instructions')
  const prompt = node.prompt === undefined ? defaultAgentPrompt(state) : resolveText(node.prompt, state, authorCode, 'prompt')
  const result = await runAgentLoop(context, {
    messages: [
      { role: 'system', content: instructions },
      { role: 'user', content: prompt },
    ],
    model: node.model,
    toolNames: node.tools ?? [],
    nodeId,
    maxSteps: node.maxSteps,
    ...(roundsBefore > 0 ? { firstStep: roundsBefore + 1 } : {}),
  })
  return result.text
}
