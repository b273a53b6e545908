/**
 * A real engine (memory provider) that runs workflow jobs, for engine-level workflow tests driven by
 * vitest fake timers: start a job, read its state, answer its pending questions by node.
 */
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import { silentLogger } from '../../server/lib/logger'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { createToolRegistry } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { unusedModel } from './engine-harness'

/** The user every job of these tests belongs to. */
export const USER = 'user-1'

/** Creates an engine that knows the given workflows and tools. */
export function createWorkflowEngine(workflows: unknown[], options: {
  tools?: AnyToolDefinition[]
  config?: BackgroundJobsConfigInput
  /** The store's `maxBatchBytes` (the memory store has none; Redis and Convex hold 4 MiB). */
  maxBatchBytes?: number
} = {}) {
  const tools = options.tools ?? []
  const provider = Object.assign(createMemoryProvider(), options.maxBatchBytes === undefined ? {} : { maxBatchBytes: options.maxBatchBytes })
  const engine = createEngine({
    provider,
    getConfig: () => resolveConfig({ scripted: { enabled: true }, ...options.config }),
    createModelClient: () => unusedModel,
    runners: { chat: async () => {}, workflow: runWorkflowJob },
    tools: createToolRegistry(tools),
    workflows: createWorkflowRegistry(workflows, { toolNames: tools.map(tool => tool.name) }),
    logger: silentLogger,
  })

  async function start(workflow: string, input: unknown = {}) {
    const { job } = await engine.createJob(USER, { request: { type: 'workflow', workflow, input } })
    return job.id
  }
  async function state(jobId: string) {
    return (await engine.getJob(USER, jobId)).state
  }
  /** The pending request of a node (fails the test when there is none). */
  async function requestOf(jobId: string, nodeId: string) {
    const request = (await state(jobId)).pendingInputs.find(input => input.nodeId === nodeId)
    if (!request) throw new Error(`node "${nodeId}" has no pending input request`)
    return request.requestId
  }
  async function answer(jobId: string, nodeId: string, value: unknown) {
    await engine.answerInput(USER, jobId, { requestId: await requestOf(jobId, nodeId), answer: value })
  }
  return { engine, provider, start, state, requestOf, answer }
}
