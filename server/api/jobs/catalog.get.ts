/**
 * GET /api/jobs/catalog — what the client may choose: tools, workflows, which model answers, and
 * the request limits a client keeps its bodies within (a chat sends its history with every turn),
 * and whether a chat and each workflow can start for this user (catalog-availability.ts).
 * Also the layer's health check (reverse-proxy.md): once the server is shutting down it answers the
 * shutdown's 503 with `Retry-After`, as the creations and streams it would refuse do.
 */
import { defineJobsHandler } from '../../lib/http/handler'
import { disabledToolNames, SCRIPTED_MODEL, usesScriptedModel } from '../../lib/config'
import { chatAvailability, toolAvailability, workflowAvailability } from '../../lib/catalog-availability'

export default defineJobsHandler(({ engine, config, flags }) => {
  // Not ready: a balancer or readiness probe stops sending this instance the chats it would refuse.
  engine.assertStreamsServed()
  const disabled = disabledToolNames(config)
  const scripted = usesScriptedModel(config)
  return {
    model: { scripted, name: scripted ? SCRIPTED_MODEL : config.upstream.defaultModel },
    chat: chatAvailability(config),
    tools: flags.tools
      ? engine.tools.list().filter(tool => !disabled.has(tool.name)).map(tool => ({
          name: tool.name,
          description: tool.description,
          needsApproval: tool.needsApproval === true || typeof tool.needsApproval === 'function',
          runtime: tool.runtime ?? 'server',
          ...toolAvailability(tool, config, engine.isolation),
        }))
      : [],
    workflows: flags.workflows
      ? engine.workflows.list().map(workflow => ({ name: workflow.name, description: workflow.description, inputSchema: workflow.inputSchema ?? null, questions: workflow.questions ?? [], ...workflowAvailability(workflow, config, flags, engine.tools, engine.isolation) }))
      : [],
    limits: {
      maxMessages: config.limits.maxMessages,
      maxMessageChars: config.limits.maxMessageChars,
      maxBodyBytes: config.limits.maxBodyBytes,
    },
  }
})
