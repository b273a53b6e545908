/**
 * The workflows an engine knows: every definition found in `server/workflows/` (the virtual module
 * `#background-jobs/workflows`), validated once at boot. A bad definition stops the boot with an
 * error naming the workflow and the problem.
 */
import type { WorkflowDefinition } from './define'
import type { RegisteredWorkflow, WorkflowRegistry } from './types'
import type { ValidateOptions, WorkflowGraph } from './validate'
import { validateWorkflowDefinition } from './validate'
import { describeIssues } from '../describe-issues'
import { z } from 'zod'

/** A validated workflow: what the engine sees, plus what the runner walks. */
export interface CompiledWorkflow extends RegisteredWorkflow {
  definition: WorkflowDefinition
  graph: WorkflowGraph
}

/** True when a registered workflow came from this registry (so the runner can walk it). */
export function isCompiledWorkflow(workflow: RegisteredWorkflow): workflow is CompiledWorkflow {
  return 'graph' in workflow && 'definition' in workflow
}

/** The JSON Schema of a zod schema, or null for types JSON Schema cannot express. */
function toJsonSchema(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })
  }
  catch {
    return null
  }
}

/** Validates one definition and prepares it for the registry. */
export function compileWorkflow(value: unknown, options: ValidateOptions = {}): CompiledWorkflow {
  const { definition, graph } = validateWorkflowDefinition(value, options)
  return {
    name: definition.name,
    description: definition.description,
    definition,
    graph,
    inputSchema: toJsonSchema(definition.input),
    usesModel: Object.values(definition.nodes).some(node => node.kind === 'agent'),
    parseInput(input: unknown) {
      const parsed = definition.input.safeParse(input)
      // Reads like the route's other 400s: the field, then what is wrong with it.
      if (!parsed.success) throw new Error(describeIssues(parsed.error))
      return parsed.data
    },
  }
}

/**
 * Creates the registry; throws `WorkflowDefinitionError` for the first bad definition. Definitions
 * come app first, so an app's workflow shadows a layer's workflow of the same name.
 */
export function createWorkflowRegistry(definitions: unknown[], options: ValidateOptions = {}): WorkflowRegistry {
  const workflows = new Map<string, CompiledWorkflow>()
  for (const value of definitions) {
    const workflow = compileWorkflow(value, options)
    if (!workflows.has(workflow.name)) workflows.set(workflow.name, workflow)
  }
  return {
    get: name => workflows.get(name),
    list: () => [...workflows.values()],
  }
}
