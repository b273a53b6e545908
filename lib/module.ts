/**
 * Build-time part of the layer:
 * - typed options under the `backgroundJobs` key of nuxt.config (the same shape as
 *   `runtimeConfig.backgroundJobs`, merged into it, checked at build time: a value that makes no
 *   sense fails the build naming the key);
 * - finds tool and workflow files in `server/tools/` and `server/workflows/` of the app and of
 *   every layer, and exposes them to the server as the virtual modules `#background-jobs/tools`
 *   and `#background-jobs/workflows` (default export: the list of definitions). This is how a
 *   file becomes a registered tool with no other step.
 * - the same tool files also make up the worker entry of isolated tools (lib/tool-worker.ts);
 * - under `nuxt dev`, adding, deleting or renaming one of them reloads the server (lib/definition-files.ts);
 * - stops the build for a Nitro preset where jobs cannot run (serverless, edge, static:
 *   lib/preset-support.ts), and tells the server which preset it was built with
 *   (`#background-jobs/preset`, for the node-cluster boot check in server/lib/cluster-check.ts);
 * - stops the build when the layer's own dependencies are not installed where it is (a git
 *   source: lib/layer-dependencies.ts);
 * - lists the app's own routes under `/api/jobs` (`#background-jobs/app-routes`, lib/app-routes.ts),
 *   which the layer's 405 and OPTIONS answers leave to the app;
 * - stops the build when `nitro.apiBaseURL` or `nitro.apiDir` would move or drop the layer's
 *   routes (lib/api-prefix.ts).
 */
import { isAbsolute, join, relative, resolve } from 'node:path'
import { addServerTemplate, addTypeTemplate, createIsIgnored, defineNuxtModule, useLogger } from '@nuxt/kit'
import { defu } from 'defu'
import type { BackgroundJobsConfigInput } from '../server/lib/config'
import { envNameOf, resolveConfig } from '../server/lib/config'
import { InvalidConfigError, configProblems } from '../server/lib/config-validate'
import { unknownConfigKeys } from '../server/lib/config-keys'
import { apiPrefixProblem } from './api-prefix'
import { APP_ROUTES_MODULE, appJobsRoutes, appRoutesCode } from './app-routes'
import { findDefinitionFiles, reloadOnDefinitionChanges } from './definition-files'
import { misplacedDefinitionWarnings } from './misplaced-definitions'
import { definitionCallTypoWarnings } from './definition-call-typos'
import { missingDependenciesMessage, missingLayerDependencies } from './layer-dependencies'
import type { DefinitionFile } from './definition-load-errors'
import { definitionLoadPlugin } from './definition-load-errors'
import { DEVTOOLS_TOKEN_MODULE, setupDevtools } from './devtools'
import type { Nitro, RollupConfig } from 'nitropack/types'
import { quietOptionalPeers } from './optional-peers'
import { allowPresetAtBuild, checkPreset } from './preset-support'
import { TOOL_WORKER_ENTRY, TOOL_WORKER_URL, toolWorkerEntryCode, toolWorkerPlugin } from './tool-worker'

const DEFINITION_FOLDERS = { tools: 'tools', workflows: 'workflows' } as const
/** The server's build preset, as a virtual module (see server/lib/cluster-check.ts). */
const PRESET_MODULE = '#background-jobs/preset'

/** How messages name a definition file: relative to the app's root when inside it. */
function shownName(file: string, rootDir: string): string {
  const inApp = relative(rootDir, file)
  return inApp.startsWith('..') || isAbsolute(inApp) ? file : inApp
}

/** The definitions of the files, and the files (for messages: relative to the app's root when inside it). */
function moduleCode(files: string[], rootDir: string): string {
  const imports = files.map((file, index) => `import definition${index} from ${JSON.stringify(file)}`)
  const list = files.map((_, index) => `definition${index}`).join(', ')
  const names = files.map(file => shownName(file, rootDir))
  return `${imports.join('\n')}\nexport default [${list}]\nexport const files = ${JSON.stringify(names)}\n`
}

/**
 * A Nitro build's rollup config: the worker entry's plugin (lib/tool-worker.ts), a boot error
 * naming a definition file that throws while it loads (lib/definition-load-errors.ts; production
 * builds), quiet optional peers (lib/optional-peers.ts).
 */
function configureServerBundle(nitro: Nitro, definitionFiles: () => Map<string, DefinitionFile>): void {
  nitro.hooks.hook('rollup:before', (_nitro: Nitro, rollupConfig: RollupConfig) => {
    const output = Array.isArray(rollupConfig.output) ? rollupConfig.output[0] : rollupConfig.output
    // Dev bundles into one file by default; the worker entry needs to be a chunk of its own.
    if (nitro.options.dev && output?.inlineDynamicImports) output.inlineDynamicImports = false
    const plugins = Array.isArray(rollupConfig.plugins) ? rollupConfig.plugins : [rollupConfig.plugins].filter(Boolean)
    const loadErrors = nitro.options.dev ? [] : [definitionLoadPlugin(definitionFiles())]
    rollupConfig.plugins = [toolWorkerPlugin({ emit: !output?.inlineDynamicImports && nitro.options.node !== false }), ...loadErrors, ...plugins]
    quietOptionalPeers(rollupConfig)
  })
}

/** Options under `backgroundJobs` in nuxt.config: any setting of `runtimeConfig.backgroundJobs` (see docs/config.md). */
export type ModuleOptions = BackgroundJobsConfigInput

export default defineNuxtModule<ModuleOptions>({
  meta: { name: 'nuxt-background-jobs', configKey: 'backgroundJobs' },
  async setup(options, nuxt) {
    // Its own dependencies, where a git source leaves them out (lib/layer-dependencies.ts). `nuxt
    // prepare` (an install's postinstall) only warns: the app's install is what adds them.
    const layerDir = resolve(__dirname, '..')
    const missing = missingLayerDependencies(layerDir)
    if (missing.length > 0) {
      const message = missingDependenciesMessage(layerDir, missing)
      if ((nuxt.options as { _prepare?: boolean })._prepare) useLogger('nuxt-background-jobs').warn(message)
      else throw new Error(message)
    }
    const runtimeConfig = nuxt.options.runtimeConfig as { backgroundJobs?: BackgroundJobsConfigInput }
    runtimeConfig.backgroundJobs = defu(options, runtimeConfig.backgroundJobs ?? {}) as BackgroundJobsConfigInput
    const problems = [
      // The merged settings: a key misspelt under `backgroundJobs` or under `runtimeConfig.backgroundJobs`.
      ...unknownConfigKeys(runtimeConfig.backgroundJobs),
      ...configProblems(resolveConfig(runtimeConfig.backgroundJobs, {}, { dev: nuxt.options.dev }), { runtime: false, input: runtimeConfig.backgroundJobs }),
    ]
    if (problems.length > 0) throw new InvalidConfigError(problems)

    const serverDirs = nuxt.options._layers.map(layer =>
      resolve(layer.config.rootDir, (layer.config as { serverDir?: string }).serverDir ?? 'server'),
    )
    // A tool or workflow file in a folder the layer does not read (`server/tool/`, a subfolder of
    // `server/tools/`) is never registered: said at build time, not found out from an empty catalog.
    const layerRoots = nuxt.options._layers.map((layer, index) => ({ rootDir: layer.config.rootDir, serverDir: serverDirs[index]! }))
    for (const warning of misplacedDefinitionWarnings(layerRoots, nuxt.options.rootDir)) useLogger('nuxt-background-jobs').warn(warning)
    // What Nuxt's `ignore` option (test and spec files, a `-` prefix, `.nuxtignore`) leaves out of
    // its server folders is left out here too. Asked once now: its patterns are read in Nuxt's context.
    const isIgnored = createIsIgnored(nuxt)
    isIgnored(nuxt.options.rootDir)
    const ignored = (path: string) => isIgnored(path)
    for (const [kind, folder] of Object.entries(DEFINITION_FOLDERS)) {
      addServerTemplate({
        filename: `#background-jobs/${kind}`,
        getContents: () => moduleCode(findDefinitionFiles(serverDirs, folder, ignored), nuxt.options.rootDir),
      })
    }
    addServerTemplate({
      filename: TOOL_WORKER_ENTRY,
      getContents: () => toolWorkerEntryCode(findDefinitionFiles(serverDirs, DEFINITION_FOLDERS.tools, ignored), resolve(__dirname, '../server/lib/isolation/worker-runtime')),
    })
    // Resolved by the plugin below; this fallback (no worker entry) serves a build without it.
    addServerTemplate({ filename: TOOL_WORKER_URL, getContents: () => 'export default function toolWorkerUrl() { return null }\n' })
    const definitionFiles = () => new Map<string, DefinitionFile>([
      ...findDefinitionFiles(serverDirs, DEFINITION_FOLDERS.tools, ignored).map(file => [file, { kind: 'tool', shownName: shownName(file, nuxt.options.rootDir) }] as const),
      ...findDefinitionFiles(serverDirs, DEFINITION_FOLDERS.workflows, ignored).map(file => [file, { kind: 'workflow', shownName: shownName(file, nuxt.options.rootDir) }] as const),
    ])
    // `export default defineTols(…)`: said at build time, not as "defineTols is not defined" at boot.
    for (const warning of definitionCallTypoWarnings(definitionFiles())) useLogger('nuxt-background-jobs').warn(warning)
    let preset = ''
    addServerTemplate({ filename: PRESET_MODULE, getContents: () => `export const preset = ${JSON.stringify(preset)}\n` })
    // Read when the server is bundled: Nitro has scanned the app's server/api by then.
    let handlers: () => Parameters<typeof appJobsRoutes>[0] = () => []
    addServerTemplate({ filename: APP_ROUTES_MODULE, getContents: () => appRoutesCode(appJobsRoutes(handlers(), resolve(__dirname, '../server/api/jobs'))) })
    nuxt.hook('nitro:init', (nitro: Nitro) => {
      preset = nitro.options.preset
      // A moved or renamed api folder moves or drops the layer's routes (lib/api-prefix.ts). `nuxt
      // prepare` (an install's postinstall) only warns, as for missing dependencies above.
      const prefixProblem = apiPrefixProblem(nitro.options)
      if (prefixProblem && (nuxt.options as { _prepare?: boolean })._prepare) useLogger('nuxt-background-jobs').warn(prefixProblem)
      else if (prefixProblem) throw new Error(prefixProblem)
      handlers = () => [...nitro.scannedHandlers, ...nitro.options.handlers]
      // `allowPreset` from nuxt.config or, for a CI that sets it there, the environment.
      const allowPreset = allowPresetAtBuild(runtimeConfig.backgroundJobs?.allowPreset, process.env[envNameOf('allowPreset')])
      checkPreset(preset, allowPreset, message => useLogger('nuxt-background-jobs').warn(message))
      configureServerBundle(nitro, definitionFiles)
      // A tool or workflow file added, deleted or renamed under `nuxt dev` takes effect without a restart.
      if (nuxt.options.dev) reloadOnDefinitionChanges(nuxt, nitro, serverDirs.flatMap(dir => Object.values(DEFINITION_FOLDERS).map(folder => join(dir, folder))))
      // The prerenderer is a Nitro of its own, built from the config: it needs the plugin too.
      nitro.hooks.hook('prerender:init', (prerenderer: Nitro) => configureServerBundle(prerenderer, definitionFiles))
    })
    addTypeTemplate({
      filename: 'types/background-jobs-definitions.d.ts',
      getContents: () => [
        `declare module '#background-jobs/tools' { const tools: import(${JSON.stringify(resolve(__dirname, '../server/lib/tools/types'))}).ToolDefinition<any, any>[]; export default tools; export const files: string[] }`,
        `declare module '#background-jobs/workflows' { const workflows: unknown[]; export default workflows; export const files: string[] }`,
        `declare module '${DEVTOOLS_TOKEN_MODULE}' { export const devtoolsToken: string }`,
        `declare module '${TOOL_WORKER_URL}' { const toolWorkerUrl: () => string | null; export default toolWorkerUrl }`,
        `declare module '${PRESET_MODULE}' { export const preset: string }`,
        `declare module '${APP_ROUTES_MODULE}' { export const appRoutes: import(${JSON.stringify(resolve(__dirname, '../server/lib/http/route-methods'))}).AppJobsRoute[] }`,
      ].join('\n'),
    }, { nitro: true, nuxt: true })
    await setupDevtools(nuxt)
  },
})
