/**
 * Engines as simulated instances on one memory provider: the memory provider has leases and
 * subscriptions, and this layer gives it inert control calls (nothing is forwarded between the
 * engines), so an engine over it counts as shared (run-lease.ts) and its recovery scan takes over
 * the jobs another engine handed off or whose lease lapsed. `dispose` leaves the store to the others.
 */
import type { BackgroundJobsConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import type { JobRunners } from '../../server/lib/engine-types'
import type { Logger } from '../../server/lib/logger'
import { silentLogger } from '../../server/lib/logger'
import type { ModelClient } from '../../server/lib/model/types'
import type { MemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { askWorkflow } from '../convex/engine-node'
import { unusedModel } from './engine-harness'

/** One engine's view of a memory provider that several engines share. */
export function sharedMemory(provider: MemoryProvider): JobProvider {
  return {
    ...provider,
    sendControl: async () => 'control',
    subscribeControls: () => () => {},
    replyToControl: async () => {},
    subscribeControlReply: () => () => {},
    readControls: async () => [],
    dispose: async () => {},
  }
}

/** Options of one simulated instance. */
export interface SharedMemoryEngineOptions {
  /** Its view of the shared store (`sharedMemory(store)`, possibly wrapped). */
  provider: JobProvider
  instanceId: string
  config: BackgroundJobsConfig
  /** @default a model that must not be called */
  model?: ModelClient
  /** @default one that ends at once */
  chat?: JobRunners['chat']
  /** @default silentLogger */
  logger?: Logger
  /** @default none */
  tools?: AnyToolDefinition[]
  /** @default [askWorkflow] */
  workflows?: unknown[]
}

/** An engine over a shared memory provider, with the `ask` workflow (convex/engine-node.ts). */
export function createSharedMemoryEngine(options: SharedMemoryEngineOptions) {
  return createEngine({
    provider: options.provider,
    instanceId: options.instanceId,
    getConfig: () => options.config,
    createModelClient: () => options.model ?? unusedModel,
    runners: { chat: options.chat ?? (async () => {}), workflow: runWorkflowJob },
    tools: createToolRegistry(options.tools ?? []),
    workflows: createWorkflowRegistry(options.workflows ?? [askWorkflow], { toolNames: (options.tools ?? []).map(tool => tool.name) }),
    logger: options.logger ?? silentLogger,
  })
}
