/**
 * Engines as simulated instances on one real redis-server, in one process: each is an engine over
 * its own Redis provider (its own connections), on a clock of its own (`offsetMs` off the real one,
 * as a machine whose NTP is off), with the chat runner and workflows a test gives. The engine sees
 * its provider as the app's does (create-provider.ts): with its calls timed and counted
 * (instrument-provider.ts, into a registry of its own), which is what tells decision 45's bound
 * that the store answers. What a test starts is stopped by `stopAll`.
 */
import { afterAll, afterEach, beforeAll } from 'vitest'
import { z } from 'zod'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import type { JobRunners } from '../../server/lib/engine-types'
import type { Logger } from '../../server/lib/logger'
import { silentLogger } from '../../server/lib/logger'
import { createMetrics } from '../../server/lib/metrics'
import { instrumentProvider } from '../../server/lib/providers/instrument-provider'
import { createRedisProvider } from '../../server/lib/providers/redis'
import type { RedisJobProvider } from '../../server/lib/providers/redis'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { unusedModel } from './engine-harness'
import type { RedisServer } from './redis-server'
import { startRedisServer } from './redis-server'

/** A workflow that asks once (`{ go: boolean }`, 60 s) and ends with 'done'. */
export const askWorkflow = defineWorkflow({
  name: 'ask',
  description: 'ask → done',
  input: z.object({ timeoutMs: z.number().optional() }),
  nodes: {
    ask: { kind: 'input', prompt: 'Go on?', schema: z.object({ go: z.boolean() }), onTimeout: 'default', timeoutAnswer: { go: false }, timeoutMs: 60_000 },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['ask', 'done']],
})

/** Options of one instance. */
export interface RedisEngineOptions {
  url: string
  keyPrefix: string
  instanceId: string
  /** How far this instance's clock is off the real one. @default 0 */
  offsetMs?: number
  /** @default a runner that ends at once */
  chat?: JobRunners['chat']
  config?: BackgroundJobsConfigInput
  /** @default [askWorkflow] */
  workflows?: unknown[]
  /** The provider's warnings. @default none kept */
  onWarning?: (message: string) => void
  /** Redis's clock replaced (createRedisProvider's `storeClock`: a test that moves the store's time). @default Redis's own */
  storeClock?: () => number
  /** What the engine sees of its provider (a test that delays one call), inside the calls' counting. @default the provider */
  wrapProvider?: (provider: RedisJobProvider) => RedisJobProvider
  /** The engine's logger. @default silentLogger */
  logger?: Logger
}

/** Starts engines on Redis and stops them all. */
export function createRedisEngines() {
  const stops: Array<() => Promise<void>> = []
  return {
    async start(options: RedisEngineOptions) {
      const offsetMs = options.offsetMs ?? 0
      const now = () => Date.now() + offsetMs
      const provider = createRedisProvider({ url: options.url, keyPrefix: options.keyPrefix, now, onError: () => {}, ...(options.storeClock ? { storeClock: options.storeClock } : {}), ...(options.onWarning ? { onWarning: options.onWarning } : {}) })
      await provider.ready()
      const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 15_000, heartbeatMs: 5_000 }, ...options.config })
      const engine = createEngine({
        // As the app builds it: the store's faults a test makes are inside what the counting sees.
        provider: instrumentProvider(options.wrapProvider?.(provider) ?? provider, createMetrics()),
        now,
        instanceId: options.instanceId,
        getConfig: () => config,
        createModelClient: () => unusedModel,
        runners: { chat: options.chat ?? (async () => {}), workflow: runWorkflowJob },
        tools: { register() {}, get: () => undefined, list: () => [], toModelTools: () => [] },
        workflows: createWorkflowRegistry(options.workflows ?? [askWorkflow], { toolNames: [] }),
        logger: options.logger ?? silentLogger,
      })
      let stopped = false
      const stop = async () => {
        if (stopped) return
        stopped = true
        await engine.dispose()
        await provider.dispose()
      }
      stops.push(stop)
      return { engine, provider, stop }
    },
    async stopAll() {
      for (const stop of stops.splice(0).reverse()) await stop()
    },
  }
}

/**
 * For a test file: a real redis-server started before its tests and stopped after them, and the
 * engines a test starts on it, stopped after each test. `redis.url` is read inside a test.
 */
export function useRedisEngines() {
  let server: RedisServer | undefined
  const engines = createRedisEngines()
  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterEach(async () => {
    await engines.stopAll()
  })
  afterAll(async () => {
    await server?.stop()
  })
  const redis = {
    get url(): string {
      if (!server) throw new Error('redis-server is not started yet (read redis.url inside a test)')
      return server.url
    },
  }
  return { redis, engines }
}
