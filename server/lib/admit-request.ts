/**
 * What a new job's request must pass before anything is stored: the feature flags, a workflow the
 * registry knows with an input its schema accepts (the parsed input replaces the client's), and a
 * model to answer (an API key, or the scripted model when it is on). Each refusal is the route's
 * error: 503 naming the flag or the key, 400 naming the workflow or the input's problem.
 */
import type { BackgroundJobsConfig } from './config'
import { hasModel } from './config'
import { FeatureDisabledError, InvalidRequestError, ModelNotConfiguredError } from './errors'
import type { JobRequest } from './providers/types'
import type { WorkflowRegistry } from './workflows/types'

/** Checks `request` (a workflow's input is parsed in place); throws the error a route answers with. */
export function admitRequest(request: JobRequest, config: BackgroundJobsConfig, workflows: Pick<WorkflowRegistry, 'get'>): void {
  if (request.type === 'chat') {
    if (!hasModel(config)) throw new ModelNotConfiguredError()
    return
  }
  if (!config.workflows.enabled) throw new FeatureDisabledError('workflows.enabled')
  const workflow = workflows.get(request.workflow)
  if (!workflow) throw new InvalidRequestError(`Unknown workflow "${request.workflow}"`)
  try {
    request.input = workflow.parseInput(request.input)
  }
  catch (error) {
    throw new InvalidRequestError(`Invalid workflow input: ${(error as Error).message}`)
  }
  if (workflow.usesModel && !hasModel(config)) throw new ModelNotConfiguredError()
}
