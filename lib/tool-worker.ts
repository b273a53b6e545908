/**
 * Build-time part of tool isolation: the worker entry that runs isolated tools.
 *
 * Nitro bundles the server into chunks, so a worker cannot load `server/tools/*.ts` by path. The
 * entry `#background-jobs/tool-worker` lists every tool file as a lazy import (in the same order
 * as `#background-jobs/tools`, so a tool's index in that list is its loader here) and is emitted
 * by the rollup plugin below as a chunk of its own, next to the server's chunks and sharing them.
 * The server finds that chunk through `#background-jobs/tool-worker-url`, next to Nitro's entry.
 * This works the same in `nuxt build` and `nuxt dev`; in dev Nitro's bundle is one inlined file
 * by default, so the module turns that off (chunks instead).
 */
import type { RollupConfig } from 'nitropack/types'

// Rollup's types as Nitro's config has them: `rollup` is Nitro's dependency, not the layer's, and
// an app with a strict layout (pnpm `hoist=false`) cannot resolve it from here (decision 014).
type OutputOptions = RollupConfig['output']
type ManualChunksOption = NonNullable<OutputOptions['manualChunks']>
type GetManualChunk = Extract<ManualChunksOption, (...args: never[]) => unknown>
type GetModuleInfo = Parameters<GetManualChunk>[1]['getModuleInfo']

/** A Rollup plugin with this one's hooks, each given the part of Rollup's plugin context it uses. */
export interface ToolWorkerPlugin {
  name: string
  buildStart: (this: { emitFile: (file: { type: 'chunk', id: string, fileName: string }) => string }) => void
  buildEnd: (this: { resolve: (source: string) => Promise<{ id: string } | null> }) => Promise<void>
  outputOptions: (output: OutputOptions) => OutputOptions | null
  resolveId: (id: string) => string | null
  load: (id: string) => string | null
}

/** The virtual worker entry (a Nitro server template). */
export const TOOL_WORKER_ENTRY = '#background-jobs/tool-worker'
/** The virtual module whose default export gives the worker entry's `file:` URL (or null). */
export const TOOL_WORKER_URL = '#background-jobs/tool-worker-url'
/** Where the entry lands in the server output. */
export const TOOL_WORKER_FILE_NAME = 'chunks/background-jobs/tool-worker.mjs'

const RESOLVED_URL_ID = '\0background-jobs-tool-worker-url'
/** The chunk holding every module the worker entry reaches (the server imports it too). */
const WORKER_MODULES_CHUNK = 'background-jobs-tool-runtime'
/** The chunk of everything else when the output has no grouping of its own (dev). */
const SERVER_CHUNK = 'server'

/**
 * The code of the worker entry: the worker runtime over lazy imports of every tool file. Its
 * `toolNames()` lists the tool at each index (benchmarks use it; it loads every file).
 */
export function toolWorkerEntryCode(toolFiles: readonly string[], runtimePath: string): string {
  const loaders = toolFiles.map(file => `  () => import(${JSON.stringify(file)}),`)
  return [
    `import { createToolWorker, listToolNames } from ${JSON.stringify(runtimePath)}`,
    `const loaders = [\n${loaders.join('\n')}\n]`,
    'export default createToolWorker(loaders)',
    'export const toolNames = () => listToolNames(loaders)',
    '',
  ].join('\n')
}

/**
 * The rollup plugin that emits the worker entry as its own chunk and resolves its URL. With
 * `emit: false` (an output that must stay one file) the URL is null and isolated calls end with
 * an error result saying isolation is unavailable.
 */
export function toolWorkerPlugin(options: { emit: boolean }): ToolWorkerPlugin {
  let referenceId: string | null = null
  let entryId: string | null = null
  return {
    name: 'background-jobs:tool-worker',
    buildStart() {
      if (options.emit) referenceId = this.emitFile({ type: 'chunk', id: TOOL_WORKER_ENTRY, fileName: TOOL_WORKER_FILE_NAME })
    },
    async buildEnd() {
      entryId = referenceId ? (await this.resolve(TOOL_WORKER_ENTRY))?.id ?? null : null
    },
    outputOptions(output) {
      if (!entryId || (output.manualChunks && typeof output.manualChunks !== 'function')) return null
      // No grouping given (dev): the rest stays one chunk, as the inlined dev bundle was.
      return { ...output, manualChunks: keepWorkerModulesApart(output.manualChunks ?? (() => SERVER_CHUNK), entryId) }
    },
    resolveId(id) {
      return id === TOOL_WORKER_URL ? RESOLVED_URL_ID : null
    },
    load(id) {
      if (id !== RESOLVED_URL_ID) return null
      if (!referenceId) return 'export default function toolWorkerUrl() { return null }'
      // Nitro points `import.meta` of every chunk at its entry (in the output root), and sets it
      // only when the entry runs: resolve against it at call time, not when this module loads.
      return `export default function toolWorkerUrl() { return new URL(${JSON.stringify(TOOL_WORKER_FILE_NAME)}, globalThis._importMeta_.url).href }`
    },
  }
}

/**
 * Wraps the output's `manualChunks` so that every module the worker entry reaches goes to a chunk
 * of its own. Otherwise Nitro's grouping would pull them into its runtime chunk (a manual chunk
 * takes in its dependencies), and loading a tool in a worker would load — and start — the server.
 */
function keepWorkerModulesApart(manualChunks: GetManualChunk, entryId: string): ManualChunksOption {
  let workerModules: Set<string> | null = null
  return (id, meta) => {
    workerModules ??= reachableFrom(entryId, meta.getModuleInfo)
    // The entry itself stays in its own file (the one the worker loads).
    if (id === entryId) return null
    if (workerModules.has(id)) return WORKER_MODULES_CHUNK
    return manualChunks(id, meta)
  }
}

/** Every module `entryId` imports, statically or dynamically, directly or not (externals excluded). */
function reachableFrom(entryId: string, getModuleInfo: GetModuleInfo): Set<string> {
  const seen = new Set<string>()
  const pending = [entryId]
  while (pending.length) {
    const info = getModuleInfo(pending.pop()!)
    if (!info || info.isExternal || seen.has(info.id)) continue
    seen.add(info.id)
    pending.push(...info.importedIds, ...info.dynamicallyImportedIds)
  }
  return seen
}
