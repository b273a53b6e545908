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

/** Runs a workflow job. `request.input` was parsed by the workflow's schema when the job was created. */
export async function runWorkflowJob(context: RunContext, request: WorkflowJobRequest): Promise<void> {
  const workflow = context.workflows.get(request.workflow)
  if (!workflow || !isCompiledWorkflow(workflow)) {
    throw new JobFailure('unknown-workflow', `Workflow "${request.workflow}" is not registered on this server`, { failedDuring: 'workflow-node' })
  }
  await new WorkflowRun(context, workflow, request.input).run()
}
