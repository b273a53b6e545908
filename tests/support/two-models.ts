/**
 * Jobs whose rounds run on two models (decision 32): a chat whose `upstream-request` hook sends its
 * second round to `premium/model` (the first goes to `upstream.defaultModel`, `cheap/model`), and a
 * workflow whose `draft` and `review` agent nodes name one each.
 */
import { z } from 'zod'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { Logger } from '../../server/lib/logger'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createTestEngine } from './engine-harness'
import type { ModelStep } from './step-model'
import { createStepModel } from './step-model'

/** The chat engine, its model answering `steps` (the first round may call `look`). */
export function switchingChatEngine(steps: ModelStep[], options: { logger?: Logger, limits?: BackgroundJobsConfigInput['limits'] } = {}) {
  const model = createStepModel(steps)
  let round = 0
  const { engine } = createTestEngine({
    config: { upstream: { defaultModel: 'cheap/model' }, ...(options.limits ? { limits: options.limits } : {}) },
    runners: { chat: runChatJob },
    model,
    tools: createToolRegistry([defineTool({ name: 'look', description: 'Looks', parameters: z.object({}), execute: () => 'seen' })]),
    ...(options.logger ? { logger: options.logger } : {}),
    hooks: { upstreamRequest: ({ request }) => void (++round === 2 && (request.model = 'premium/model')) },
  })
  return { engine, model }
}

/** The workflow engine (`two-models`: draft on cheap/model, then review on `reviewModel`), its model answering `steps`. */
export function twoModelsWorkflowEngine(steps: ModelStep[], options: { logger?: Logger, reviewModel?: string } = {}) {
  const workflows = createWorkflowRegistry([defineWorkflow({
    name: 'two-models',
    description: 'draft on one model, review on another',
    input: z.object({}),
    nodes: { draft: { kind: 'agent', instructions: 'draft', model: 'cheap/model' }, review: { kind: 'agent', instructions: 'review', model: options.reviewModel ?? 'premium/model' }, done: { kind: 'output', value: 'done' } },
    edges: [['draft', 'review'], ['review', 'done']],
  })], { toolNames: [] })
  const { engine } = createTestEngine({ config: { workflows: { enabled: true } }, runners: { chat: runChatJob, workflow: runWorkflowJob }, model: createStepModel(steps), workflows, ...(options.logger ? { logger: options.logger } : {}) })
  return { engine, request: { type: 'workflow' as const, workflow: 'two-models', input: {} } }
}
