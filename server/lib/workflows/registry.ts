/**
 * The workflows an engine knows: every definition found in `server/workflows/` (the virtual module
 * `#background-jobs/workflows`), validated once at boot. A bad definition stops the boot with an
 * error naming the workflow and the problem.
 */
import type { WorkflowDefinition } from './define'
import type { RegisteredWorkflow, WorkflowRegistry } from './types'
import type { ValidateOptions, WorkflowGraph } from './validate'
import { validateWorkflowDefinition, WorkflowDefinitionError } from './validate'
import { describeIssues } from '../describe-issues'
import { workflowQuestions } from './questions'
import { safeParseSync } from '../zod-schema'
import { nullsAsAbsent } from '../tools/nulls-as-absent'
import { checkedByAppSchema } from './app-schema-check'
import { jsonProblem } from '../json-problem'
import { describeThrown } from '../executor/tool-errors'
import { withIssueCount } from '../validation-budget'
import { createFormSchema } from './form-schema'

/** A validated workflow: what the engine sees, plus what the runner walks. */
export interface CompiledWorkflow extends RegisteredWorkflow {
  definition: WorkflowDefinition
  graph: WorkflowGraph
}

/** True when a registered workflow came from this registry (so the runner can walk it). */
export function isCompiledWorkflow(workflow: RegisteredWorkflow): workflow is CompiledWorkflow {
  return 'graph' in workflow && 'definition' in workflow
}

/** Validates one definition and prepares it for the registry. */
export function compileWorkflow(value: unknown, options: ValidateOptions = {}): CompiledWorkflow {
  const { definition, graph } = validateWorkflowDefinition(value, options)
  const inputSchema = createFormSchema(definition.input)
  return {
    name: definition.name,
    description: definition.description,
    definition,
    graph,
    // Getters: a default a function computes is left out once its value changed (form-schema.ts).
    get inputSchema() {
      return inputSchema.read()
    },
    get questions() {
      return workflowQuestions(graph)
    },
    usesModel: Object.values(definition.nodes).some(node => node.kind === 'agent'),
    parseInput(input: unknown) {
      const what = `workflow "${definition.name}" input`
      // The schema's own code may throw (a refine that reads a database that is down): not the client's input.
      // `"tone": null` for an optional field that does not take null is that field left out (nulls-as-absent.ts).
      const parsed = checkedByAppSchema(what, () => safeParseSync(definition.input, nullsAsAbsent(definition.input, input), what))
      // Reads like the route's other 400s: the field, then what is wrong with it; a problem with the
      // whole input (a string for an object, an unknown key, a refine of the object) names the
      // body's field, `input`, not `(root)`.
      // Carries its issue count: refused values cost their sender's budget (validation-budget.ts).
      if (!parsed.success) throw withIssueCount(new Error(describeIssues(parsed.error, 'input', true)), parsed.error.issues.length)
      // The input is stored and shown as JSON (`workflow.input` of every listing): a schema that
      // makes it a BigInt, say, would break every read of the user's jobs.
      const problem = jsonProblem(parsed.data, 'input')
      if (problem) throw new Error(`the workflow "${definition.name}" input schema returned a value JSON cannot keep: ${problem}`)
      return parsed.data
    },
  }
}

/** The name a definition gives itself, for an error about it. */
function definitionName(value: unknown): string {
  try {
    const name = (value as { name?: unknown } | null)?.name
    return typeof name === 'string' && name ? name : '(unnamed)'
  }
  catch {
    return '(unnamed)'
  }
}

/** Options of `createWorkflowRegistry`. */
export interface WorkflowRegistryOptions extends ValidateOptions {
  /** The file each definition came from (same order), named in errors and warnings. */
  files?: readonly (string | undefined)[]
  /** Called for a workflow skipped because its name is taken (the plugin warns at boot: never dropped unseen). */
  onSkipped?: (name: string, files: { skipped?: string, kept?: string }) => void
}

/**
 * Creates the registry; throws `WorkflowDefinitionError` for the first bad definition, naming its
 * file when known. Definitions come app first, so an app's workflow shadows a layer's workflow of
 * the same name.
 */
export function createWorkflowRegistry(definitions: unknown[], options: WorkflowRegistryOptions = {}): WorkflowRegistry {
  const workflows = new Map<string, { workflow: CompiledWorkflow, file?: string }>()
  definitions.forEach((value, index) => {
    const file = options.files?.[index]
    let workflow: CompiledWorkflow
    try {
      workflow = compileWorkflow(value, options)
    }
    catch (error) {
      if (error instanceof WorkflowDefinitionError) throw file ? new WorkflowDefinitionError(error.workflow, error.problem, file) : error
      // Checking the definition threw (its own code, or a value no check expects): the boot error
      // still names the workflow and its file.
      throw new WorkflowDefinitionError(definitionName(value), `checking it threw: ${describeThrown(error)}`, file)
    }
    const taken = workflows.get(workflow.name)
    if (taken) options.onSkipped?.(workflow.name, { skipped: file, kept: taken.file })
    else workflows.set(workflow.name, { workflow, file })
  })
  return {
    get: name => workflows.get(name)?.workflow,
    list: () => [...workflows.values()].map(entry => entry.workflow),
  }
}
