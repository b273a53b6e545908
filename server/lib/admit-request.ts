/**
 * What a new job's request must pass before anything is stored: the feature flags, a workflow the
 * registry knows with an input its schema accepts (the parsed input replaces the client's), and a
 * model to answer (an API key, or the scripted model when it is on), a chat's `tools` naming only
 * registered tools (a misspelt name would leave the job silently without it), and a chat's
 * `promptMetadata` and `clientBody` as JSON within their bounds (their JSON form replaces them). Each refusal is the route's error: 503
 * naming the flag or the key, 400 naming the workflow, the input's problem or the metadata's.
 */
import { asClientBody } from './ai-sdk/client-body'
import { asSent } from './ai-sdk/metadata-json'
import type { BackgroundJobsConfig } from './config'
import { hasModel } from './config'
import { FeatureDisabledError, InvalidRequestError, ModelNotConfiguredError, SchemaCheckFailedError } from './errors'
import type { JobRequest } from './providers/types'
import type { RegisteredWorkflow, WorkflowRegistry } from './workflows/types'
import type { ToolRegistry } from './tools/types'
import { closestName } from './closest-name'
import { issueCountOf, withIssueCount } from './validation-budget'

/** Workflow names an unknown workflow's 400 lists at most. */
const LISTED_WORKFLOWS = 20

/** `Unknown workflow "nope"; this server has: a, b` (or none). */
function unknownWorkflow(name: string, workflows: Pick<WorkflowRegistry, 'list'>): InvalidRequestError {
  const names = workflows.list().map(workflow => JSON.stringify(workflow.name))
  const listed = names.length === 0 ? 'none' : names.length > LISTED_WORKFLOWS ? `${names.slice(0, LISTED_WORKFLOWS).join(', ')} and ${names.length - LISTED_WORKFLOWS} more` : names.join(', ')
  return new InvalidRequestError(`Unknown workflow ${JSON.stringify(name)}; this server has: ${listed}`)
}

/**
 * `tools: "get_current_tme" is not a registered tool (did you mean "get_current_time"?)`. A tool
 * that is registered but switched off (`tools.disabled`, a user's flag) is not an error: the job
 * just does not get it, as the catalog does not list it.
 */
export function unknownTool(name: string, tools: Pick<ToolRegistry, 'list'>): InvalidRequestError {
  const suggestion = closestName(name, tools.list().map(tool => tool.name), 3)
  return new InvalidRequestError(`tools: ${JSON.stringify(name)} is not a registered tool${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}; GET /api/jobs/catalog lists the tools to pick from`)
}

/**
 * A body without `input` whose workflow's schema refuses a missing one: named as the body's field
 * (the schema's own words read `input: … received undefined`, which does not say it is missing).
 */
function missingInput(workflow: RegisteredWorkflow, problem: string): string {
  const takesObject = (workflow.inputSchema as { type?: unknown } | null | undefined)?.type === 'object'
  if (takesObject) return `input: is required — the workflow ${JSON.stringify(workflow.name)} takes an object (send "input": {} when none of its fields is needed)`
  return `input: is required — the workflow ${JSON.stringify(workflow.name)} input schema refuses a missing input (${problem.replace(/^input: /, '')})`
}

/** Checks `request` (a workflow's input is parsed in place); throws the error a route answers with. */
export function admitRequest(request: JobRequest, config: BackgroundJobsConfig, workflows: Pick<WorkflowRegistry, 'get' | 'list'>, tools?: Pick<ToolRegistry, 'get' | 'list'>): void {
  if (request.type === 'chat') {
    const unknown = tools && request.tools?.find(name => !tools.get(name))
    if (unknown !== undefined) throw unknownTool(unknown, tools!)
    if (!hasModel(config)) throw new ModelNotConfiguredError()
    // The AI SDK route checked it already (naming the message); a job created through the engine is held to the same bound.
    const metadata = asSent(request.promptMetadata)
    if ('problem' in metadata) throw new InvalidRequestError(`promptMetadata ${metadata.problem}`)
    if (metadata.metadata === undefined) delete request.promptMetadata
    else request.promptMetadata = metadata.metadata
    // The same for the app's body fields (client-body.ts): JSON, bounded, never a `__proto__` key.
    const body = asClientBody(request.clientBody)
    if ('problem' in body) throw new InvalidRequestError(`clientBody ${body.problem}`)
    if (body.clientBody === undefined) delete request.clientBody
    else request.clientBody = body.clientBody
    return
  }
  if (!config.workflows.enabled) throw new FeatureDisabledError('workflows.enabled')
  const workflow = workflows.get(request.workflow)
  if (!workflow) throw unknownWorkflow(request.workflow, workflows)
  try {
    request.input = workflow.parseInput(request.input)
  }
  catch (error) {
    if (error instanceof SchemaCheckFailedError) throw error
    const problem = request.input === undefined ? missingInput(workflow, (error as Error).message) : (error as Error).message
    throw withIssueCount(new InvalidRequestError(`Invalid workflow input: ${problem}`), issueCountOf(error))
  }
  if (workflow.usesModel && !hasModel(config)) throw new ModelNotConfiguredError()
}
