/** GET /api/jobs/catalog — what the client may choose: tools, workflows, and which model answers. */
import { defineJobsHandler } from '../../lib/http/handler'
import { disabledToolNames, SCRIPTED_MODEL, usesScriptedModel } from '../../lib/config'

export default defineJobsHandler(({ engine, config }) => {
  const disabled = disabledToolNames(config)
  const scripted = usesScriptedModel(config)
  return {
    model: { scripted, name: scripted ? SCRIPTED_MODEL : config.upstream.defaultModel },
    tools: config.tools.enabled
      ? engine.tools.list().filter(tool => !disabled.has(tool.name)).map(tool => ({
          name: tool.name,
          description: tool.description,
          needsApproval: tool.needsApproval === true || typeof tool.needsApproval === 'function',
          runtime: tool.runtime ?? 'server',
        }))
      : [],
    workflows: config.workflows.enabled
      ? engine.workflows.list().map(workflow => ({ name: workflow.name, description: workflow.description, inputSchema: (workflow as { inputSchema?: unknown }).inputSchema ?? null }))
      : [],
  }
})
