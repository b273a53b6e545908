/**
 * The engine's runner for jobs of type `workflow`: finds the workflow, then walks it to the end.
 * Resolves when the workflow completed; throws `JobFailure` naming the node (or the limit) when it
 * failed, or the abort reason when the job was aborted while a node ran or waited for a human.
 */
import type { WorkflowJobRequest } from '../providers/types'
import type { RunContext } from '../run-context'
import { JobFailure } from '../run-context'
import { isCompiledWorkflow } from './registry'
import { WorkflowRun } from './workflow-run'
import { withDeclaredFields } from './declared-input'
import { isToolOutcome } from '../../../shared/reducer'
import type { ToolCallState } from '../../../shared/reducer'
import { countStoredToolResult } from '../executor/tool-metrics'
import { shownToolName } from '../tool-name-list'

/** Runs a workflow job. `request.input` was parsed by the workflow's schema when the job was created. */
export async function runWorkflowJob(context: RunContext, request: WorkflowJobRequest): Promise<void> {
  const workflow = context.workflows.get(request.workflow)
  if (!workflow || !isCompiledWorkflow(workflow)) {
    throw new JobFailure('unknown-workflow', `Workflow "${request.workflow}" is not registered on this server`, { failedDuring: 'workflow-node' })
  }
  endInterruptedCalls(context)
  // Read as stored (JSON: a Date as its ISO text), as outputs are: a run resumed on another
  // instance reads the stored input, and must read what this run's nodes read.
  const stored = request.input === undefined ? undefined : JSON.parse(JSON.stringify(request.input)) as unknown
  // A field the schema declares and the input left out reads as nothing, not "does not exist".
  const input = withDeclaredFields(stored, workflow.definition.input)
  await new WorkflowRun(context, workflow, input).run()
}

/**
 * A run resumed after a takeover: the tool calls the lost owner left unanswered (running, or
 * waiting for an approval the takeover voided) end as errors saying so, as a continued chat's do
 * (executor/continuation.ts). Their node runs again (it did not finish), with a call of its own.
 */
/** The error result of a node's call a lost owner left unanswered (the name is the model's for an agent node's call: shown bounded). */
export function interruptedNodeCallError(call: Pick<ToolCallState, 'name' | 'status'> & { nodeId: string }): string {
  return call.status === 'waiting-approval'
    ? `The tool ${shownToolName(call.name)} was not run: the server running this job stopped while the call waited for approval; node "${call.nodeId}" runs again`
    : `The tool ${shownToolName(call.name)} was interrupted: the server running this job stopped before it answered; node "${call.nodeId}" runs again`
}

function endInterruptedCalls(context: RunContext): void {
  for (const call of context.resumedFrom?.toolCalls ?? []) {
    if (!call.nodeId || isToolOutcome(call.status)) continue
    const error = interruptedNodeCallError({ ...call, nodeId: call.nodeId })
    context.emit({ type: 'tool-result', id: call.id, status: 'error', error, durationMs: 0, nodeId: call.nodeId })
    countStoredToolResult(context, call.name, 'error')
  }
}
