/**
 * Workflow definitions registry contract. The definition types and the runner live beside this file.
 */
import type { WorkflowQuestion } from './questions'

/** A validated workflow definition (its full type is defined by the workflows module). */
export interface RegisteredWorkflow {
  name: string
  description: string
  /** Parses the job input; throws a zod error naming the field. */
  parseInput(input: unknown): unknown
  /** JSON Schema of the input, for clients to render a form (null when it cannot be expressed). */
  inputSchema?: unknown
  /** What the workflow asks the human (its input nodes), for the catalog. */
  questions?: WorkflowQuestion[]
  /** True when a node asks the model (an agent node): such a workflow needs a configured model. */
  usesModel?: boolean
}

/** The workflows an engine knows. */
export interface WorkflowRegistry {
  get(name: string): RegisteredWorkflow | undefined
  list(): RegisteredWorkflow[]
}
