/**
 * Boots the engine once per Nitro process and disposes it on Nitro's `close` hook.
 * Tools and workflows are the files in `server/tools/` and `server/workflows/` of the app and
 * its layers (see lib/module.ts); isolated tools run from the same files in worker threads
 * (lib/tool-worker.ts); app hooks are Nitro runtime hooks (docs/hooks.md). Nitro's prerenderer
 * gets no engine (server/lib/prerender.ts).
 */
import cluster from 'node:cluster'
import { cpus } from 'node:os'
import { preset } from '#background-jobs/preset'
import tools, { files as toolFiles } from '#background-jobs/tools'
import toolWorkerUrl from '#background-jobs/tool-worker-url'
import workflows, { files as workflowFiles } from '#background-jobs/workflows'
import { defineNitroPlugin, useRuntimeConfig } from 'nitropack/runtime'
import { APP_HOOK_NAMES, isHooked } from '../lib/app-hook'
import { envNameOf, hasModel, resolveConfig } from '../lib/config'
import { assertValidConfig, configWarnings } from '../lib/config-validate'
import { workflowWaitWarnings } from '../lib/workflows/wait-warnings'
import { unknownEnvNameWarnings } from '../lib/config-env-names'
import { unknownConfigKeys } from '../lib/config-keys'
import { checkCluster, devReloadKeepsRegistration, workerInstanceId } from '../lib/cluster-check'
import type { BackgroundJobsConfig, BackgroundJobsConfigInput } from '../lib/config'
import { createEngine } from '../lib/engine'
import { setBackgroundJobsEngine } from '../lib/engine-instance'
import { startWithRetry } from '../lib/engine-startup'
import { createStartReport } from '../lib/start-failure'
import { isPrerendering, PRERENDER_ENGINE_SOURCE } from '../lib/prerender'
import { runChatJob } from '../lib/executor/run-chat-job'
import { createToolIsolation } from '../lib/isolation/tool-pool'
import { createIsolationAvailability } from '../lib/isolation/worker-entry'
import { checkIsolationAfterEntry } from '../lib/isolation-boot-check'
import { createConsoleLogger } from '../lib/logger'
import { useMetrics } from '../lib/metrics'
import { createModelClientFromConfig } from '../lib/model/create-model-client'
import { createProviderFromConfig } from '../lib/providers/create-provider'
import { createToolRegistry } from '../lib/tools/registry'
import { guardToolProcessExit } from '../lib/tools/exit-guard'
import { trapToolStrayErrors } from '../lib/tools/stray-errors'
import { createWorkflowRegistry } from '../lib/workflows/registry'
import { runWorkflowJob } from '../lib/workflows/run-workflow-job'
import '../lib/hooks'

export default defineNitroPlugin((nitroApp) => {
  // The prerenderer renders pages at build time: no engine, no store connection, nothing kept (prerender.ts).
  if (isPrerendering()) {
    setBackgroundJobsEngine(PRERENDER_ENGINE_SOURCE)
    return
  }
  // Resolved from the runtime config (NUXT_BACKGROUND_JOBS_* variables are applied to it at boot,
  // so a restart with new ones applies them), once per runtime config object: requests and runs
  // ask for it often, and merging the defaults each time showed in profiles of job creation.
  // In `nuxt dev` the built-in scripted model answers when no API key is set.
  let resolved: { input: unknown, config: BackgroundJobsConfig } | undefined
  const getConfig = (): BackgroundJobsConfig => {
    const input = useRuntimeConfig().backgroundJobs
    if (resolved?.input !== input) resolved = { input, config: Object.freeze(resolveConfig(input as BackgroundJobsConfigInput, process.env, { dev: import.meta.dev })) }
    return resolved.config
  }
  const logger = createConsoleLogger()
  // A setting that makes no sense stops the boot here, naming the key and its variable.
  const bootConfig = getConfig()
  assertValidConfig(bootConfig, useRuntimeConfig().backgroundJobs, process.env)
  // node-cluster with the memory provider cannot work: stopped here, in the primary, before it forks.
  const clusterCheck = checkCluster({ preset, clusterWorker: cluster.isWorker, env: process.env, cpuCount: cpus().length, config: bootConfig })
  if (clusterCheck.problem) throw new Error(clusterCheck.problem)
  if (clusterCheck.warning) logger.warn(clusterCheck.warning)
  // Misspelt variables, and misspelt keys inside a group set as JSON (`NUXT_BACKGROUND_JOBS_LIMITS='{"maxStep":3}'`).
  const bootWarnings = [...unknownEnvNameWarnings(process.env), ...unknownConfigKeys(useRuntimeConfig().backgroundJobs), ...configWarnings(bootConfig)]
  for (const warning of bootWarnings) logger.warn(warning)
  if (bootConfig.enabled && !hasModel(bootConfig)) {
    logger.warn(`no model configured: job creation answers 503 until ${envNameOf('upstream.apiKey')} is set (or ${envNameOf('scripted.enabled')}=true for the built-in scripted demo model)`)
  }
  // App files come first (lib/module.ts), so an app's tool replaces a layer tool of the same name.
  // An invalid definition stops the boot with an error naming its file, logged too: under
  // `nuxt dev` a failed boot is otherwise only in the answers to requests.
  const skipped = (kind: string, folder: string) => (name: string, files: { skipped?: string, kept?: string }) => logger.warn(
    `a second ${kind} named "${name}"${files.skipped ? ` (${files.skipped})` : ''} was skipped: the first one found is used${files.kept ? ` (${files.kept})` : ''}; an app's server/${folder} file comes before its layers'. Rename one of them to offer both`,
  )
  const bootStep = <T>(build: () => T): T => {
    try {
      return build()
    }
    catch (error) {
      logger.error(error instanceof Error ? error.message : String(error))
      throw error
    }
  }
  const toolRegistry = bootStep(() => createToolRegistry(tools, { onDuplicate: 'keep-first', files: toolFiles, onSkipped: skipped('tool', 'tools') }))
  const workflowRegistry = bootStep(() => createWorkflowRegistry(workflows, {
    toolNames: toolRegistry.list().map(tool => tool.name),
    clientToolNames: toolRegistry.list().filter(tool => tool.runtime === 'client').map(tool => tool.name),
    files: workflowFiles,
    onSkipped: skipped('workflow', 'workflows'),
  }))
  for (const warning of workflowWaitWarnings(workflowRegistry.list(), bootConfig)) logger.warn(warning)
  // Isolated tools no worker can run here (no worker entry in this build or on disk, registered in code),
  // named once Nitro's entry has set the URL the worker entry is found by (isolation-boot-check.ts).
  const isolationUnavailable = createIsolationAvailability({ workerUrl: toolWorkerUrl, toolFiles: tools.map(tool => tool?.name), logger })
  checkIsolationAfterEntry({ tools: () => toolRegistry.list(), config: bootConfig, unavailable: isolationUnavailable, logger })

  // node-cluster's primary serves no request: it checked the configuration and the definitions
  // above (one clear error instead of a crash loop of its workers) and runs no engine.
  if (clusterCheck.role === 'primary') return

  // A stray error of an in-process tool or of a workflow node's functions (a throw in its timer, a
  // rejection it left unhandled) is logged naming the tool (or workflow and node) and job instead
  // of by Nitro's anonymous `[uncaughtException]` line; the app's `error` hook still gets it.
  // Errors of no tool or node are left to Nitro as before.
  const stopTrappingStrayErrors = trapToolStrayErrors({
    logger,
    metrics: useMetrics(),
    capture: (error, kind, source) => nitroApp.captureError(error as Error, { tags: [kind, `background-jobs:${source}`] }),
  })
  // `process.exit()` (or `process.abort()`) asked for by an in-process tool's code or a node's
  // function fails that call or node instead of ending the server and every job on it.
  const stopGuardingExit = guardToolProcessExit()

  // Tried again while the job store cannot be reached (requests get a 503 meanwhile); each failed
  // attempt logged and counted, and one trying again cannot end (a wrong password) is `failed` on
  // the health route (start-failure.ts).
  const startReport = createStartReport({ logger, metrics: useMetrics() })
  const startup = startWithRetry(() => createProviderFromConfig(getConfig(), { logger }).then(provider => createEngine({
    provider,
    instanceId: workerInstanceId(bootConfig.instanceId, cluster.worker?.id),
    leaveOnDispose: !devReloadKeepsRegistration(Boolean(import.meta.dev), bootConfig.instanceId),
    getConfig,
    logger,
    createModelClient: (config, run) => createModelClientFromConfig(config, { timers: run.timers, timeLeftMs: run.timeLeftMs }),
    runners: { chat: runChatJob, workflow: runWorkflowJob },
    tools: toolRegistry,
    // A tool's index in `tools` is its file's index in the worker entry.
    isolation: createToolIsolation({ workerUrl: toolWorkerUrl, toolFiles: tools.map(tool => tool?.name), getConfig, logger, unavailable: isolationUnavailable }),
    workflows: workflowRegistry,
    hooks: {
      jobCreated: job => nitroApp.hooks.callHook('background-jobs:job-created', { job }),
      jobEnded: (job, state) => nitroApp.hooks.callHook('background-jobs:job-ended', { job, state }),
      upstreamRequest: context => nitroApp.hooks.callHook('background-jobs:upstream-request', context),
      chatMessageMetadata: context => nitroApp.hooks.callHook('background-jobs:chat-message-metadata', context),
      isListening: name => isHooked(nitroApp.hooks, APP_HOOK_NAMES[name]),
    },
  })), {
    provider: bootConfig.provider,
    isRetryable: startReport.isRetryable,
    describeFailure: startReport.describeFailure,
    onFailure: startReport.onFailure,
    discard: engine => void engine.dispose(),
  })
  void startup.settled.then(engine => engine && startReport.started())
  setBackgroundJobsEngine({ get: () => startup.get(), stop: () => startup.stop(), config: getConfig, peek: () => startup.peek() })

  nitroApp.hooks.hook('close', async () => {
    stopTrappingStrayErrors()
    setBackgroundJobsEngine(null)
    startup.stop()
    try {
      await (await startup.settled)?.dispose()
    }
    finally {
      // Only once the engine stopped: a tool its dispose aborts may still ask to exit.
      stopGuardingExit()
    }
  })
})
