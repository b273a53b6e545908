/**
 * Engines as simulated instances on one convex-test backend: each node is an engine over its own
 * provider (and facade) on the shared backend, with the runners, tools and workflows a test gives.
 */
import { z } from 'zod'
import type { BackgroundJobsConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import type { EngineHooks, JobRunners } from '../../server/lib/engine-types'
import type { ModelClient } from '../../server/lib/model/types'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import type { Logger } from '../../server/lib/logger'
import { silentLogger } from '../../server/lib/logger'
import type { JobProvider } from '../../server/lib/providers/types'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { unusedModel } from '../support/engine-harness'
import { createInstance } from './backend'
import type { Backend } from './backend'

/** A workflow that asks once (`{ go: boolean }`) and ends. */
export const askWorkflow = defineWorkflow({
  name: 'ask',
  description: 'ask → done',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Go on?', schema: z.object({ go: z.boolean() }), onTimeout: 'fail' },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['ask', 'done']],
})

/** What a node runs. */
export interface EngineNodeOptions {
  instanceId: string
  config: BackgroundJobsConfig
  /** The chat runner. @default one that does nothing */
  chat?: JobRunners['chat']
  tools?: AnyToolDefinition[]
  /** @default [askWorkflow] */
  workflows?: unknown[]
  /** A layer over the node's provider (a stuck heartbeat, a failing read …). */
  wrap?: (provider: JobProvider) => JobProvider
  /** A layer over the node's connection to Convex (faults, see fault-facade.ts). */
  wrapFacade?: (facade: ConvexFacade) => ConvexFacade
  /** The provider's time limit per call. @default the provider's (10 s) */
  timeoutMs?: number
  /** The model client. @default one that must not be called */
  model?: ModelClient
  /** @default silentLogger */
  logger?: Logger
  /** The instance's own clock (one that runs ahead or behind). @default Date.now */
  now?: () => number
  /** The app's hooks. @default none */
  hooks?: EngineHooks
}

/** One simulated instance on the backend. */
export function createEngineNode(backend: Backend, options: EngineNodeOptions) {
  const { provider, facade } = createInstance(backend, { wrap: options.wrapFacade, timeoutMs: options.timeoutMs })
  const tools = options.tools ?? []
  const engine = createEngine({
    provider: options.wrap ? options.wrap(provider) : provider,
    instanceId: options.instanceId,
    getConfig: () => options.config,
    createModelClient: () => options.model ?? unusedModel,
    runners: { chat: options.chat ?? (async () => {}), workflow: runWorkflowJob },
    tools: createToolRegistry(tools),
    workflows: createWorkflowRegistry(options.workflows ?? [askWorkflow], { toolNames: tools.map(tool => tool.name) }),
    logger: options.logger ?? silentLogger,
    ...(options.now ? { now: options.now } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  })
  return { engine, provider, facade }
}
