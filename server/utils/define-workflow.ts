/**
 * Public, auto-imported: declares a workflow in `server/workflows/<name>.ts` (one per file, default
 * export). Returns the definition unchanged; it exists so the input type flows into node callbacks.
 * The layer validates every definition at boot and fails naming the workflow and the problem.
 */
import type { z } from 'zod'
import type { WorkflowDefinition } from '../lib/workflows/define'

export type { WorkflowDefinition, WorkflowNode, WorkflowState } from '../lib/workflows/define'

/**
 * Declares a workflow with its input type inferred from the zod schema, and its node ids from
 * `nodes` (so `state.visits.review` is a number: every node has a count).
 */
export function defineWorkflow<Schema extends z.ZodType, NodeId extends string = string>(definition: WorkflowDefinition<Schema, NodeId>): WorkflowDefinition<Schema, NodeId> {
  return definition
}
