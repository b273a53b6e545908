/**
 * What the catalog tells a UI it can start for this user, before it tries: a chat needs a model (an
 * API key, or the enabled scripted model), a workflow with an agent node needs one too, and a
 * workflow's tool node needs its tool on (`tools.enabled`, `tools.disabled`, this user's `tools`
 * flag) and, for a tool that must run isolated, a worker this server can start for it. Without it a UI offered a composer and workflows whose every start answered 503, or ran
 * to a failed tool node. The reasons are plain words for any signed-in user: they name no setting,
 * environment variable or secret (the operator reads those in the start's 503 and the job's error).
 */
import type { BackgroundJobsConfig } from './config'
import { disabledToolNames, hasModel } from './config'
import type { FeatureFlags } from './feature-flags'
import type { RegisteredWorkflow } from './workflows/types'
import { isCompiledWorkflow } from './workflows/registry'
import type { ToolIsolation } from './isolation/tool-pool'
import type { ToolDefinition } from './tools/types'
import { runsIsolated } from './executor/tool-runner'

/** Whether something can start; `reason` (null when it can) says why not. */
export interface Availability {
  available: boolean
  reason: string | null
}

/** The catalog's words when no model can answer. */
export const NO_MODEL_REASON = 'No AI model is configured on this server, so chats cannot start.'

const AVAILABLE: Availability = { available: true, reason: null }

/** Whether a chat can start. */
export function chatAvailability(config: BackgroundJobsConfig): Availability {
  return hasModel(config) ? AVAILABLE : { available: false, reason: NO_MODEL_REASON }
}

/** The tools a workflow's tool nodes call (an agent node without its tools still runs). */
function toolNodeTools(workflow: RegisteredWorkflow): string[] {
  if (!isCompiledWorkflow(workflow)) return []
  return Object.values(workflow.definition.nodes).flatMap(node => node.kind === 'tool' ? [node.tool] : [])
}

/** The catalog's words for a tool that must run isolated and no worker can run here. */
export const NO_WORKER_REASON = 'It must run in an isolation worker, and this server cannot start one for it.'

/** Whether a listed tool can run: one that must run isolated needs a worker this server can start for it. */
export function toolAvailability(tool: ToolDefinition, config: BackgroundJobsConfig, isolation: ToolIsolation | undefined): Availability {
  if (!runsIsolated(tool, config)) return AVAILABLE
  return !isolation || isolation.unavailable?.(tool.name) ? { available: false, reason: NO_WORKER_REASON } : AVAILABLE
}

/** Whether this user can run a workflow to its end as far as the server's setup goes. */
export function workflowAvailability(workflow: RegisteredWorkflow, config: BackgroundJobsConfig, flags: FeatureFlags, tools?: { get(name: string): ToolDefinition | undefined }, isolation?: ToolIsolation): Availability {
  if (workflow.usesModel && !hasModel(config)) return { available: false, reason: 'It asks an AI model, and no model is configured on this server.' }
  const disabled = disabledToolNames(config)
  const off = toolNodeTools(workflow).find(name => !flags.tools || disabled.has(name))
  if (off !== undefined) return { available: false, reason: `It runs the tool ${JSON.stringify(off)}, which is turned off${flags.tools ? ' on this server' : ' for you'}.` }
  const unrunnable = toolNodeTools(workflow).find((name) => {
    const tool = tools?.get(name)
    return tool !== undefined && !toolAvailability(tool, config, isolation).available
  })
  if (unrunnable !== undefined) return { available: false, reason: `It runs the tool ${JSON.stringify(unrunnable)}, which must run in an isolation worker this server cannot start for it.` }
  return AVAILABLE
}
