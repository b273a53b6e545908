/**
 * Whether a worker can run an isolated tool on this server: the build has a worker entry, the tool
 * comes from a server/tools file (the entry loads files, not tools registered in code), and the
 * entry's file is on disk (an output deployed without it would start workers that fail to load it,
 * each call blamed on its tool). Asked by the catalog, by each call, and once at boot, where an
 * operator who isolated a tool learns that it cannot run (`isolationBootWarnings`).
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { BackgroundJobsConfig } from '../config'
import { runsIsolated } from '../executor/tool-runner'
import type { Logger } from '../logger'
import type { ToolDefinition } from '../tools/types'

/** Why no worker can ever run the named tool here (in words for the model and the user), or null. */
export type IsolationAvailability = (name: string) => string | null

/** What `createIsolationAvailability` reads. */
export interface IsolationAvailabilityOptions {
  /** The worker entry's URL (`#background-jobs/tool-worker-url`); null when the build has none. */
  workerUrl: () => string | null
  /** Tool names by file index, in the order of `#background-jobs/tools`. */
  toolFiles: readonly (string | undefined)[]
  /** Where a missing entry file is named (once). */
  logger: Logger
}

/** The check of one server: the entry file is looked for until found (a redeploy may bring it back), its absence logged once. */
export function createIsolationAvailability({ workerUrl, toolFiles, logger }: IsolationAvailabilityOptions): IsolationAvailability {
  let entryFound: string | null = null
  let missingLogged = false
  /** Only a `file:` URL is checked. */
  function entryPresent(url: string): boolean {
    if (entryFound === url || !url.startsWith('file:')) return true
    const path = fileURLToPath(url)
    if (existsSync(path)) {
      entryFound = url
      return true
    }
    if (!missingLogged) logger.error(`isolated tools cannot run: this build's worker entry ${path} is missing; deploy the whole server output, its chunks/background-jobs folder included`)
    missingLogged = true
    return false
  }
  return (name) => {
    const url = workerUrl()
    if (!url) return 'this build has no worker entry (the server output is a single file, or the preset has no Node worker threads)'
    if (toolFiles.indexOf(name) < 0) return 'it was registered in code, not loaded from a server/tools file, so a worker cannot load it'
    // Named in the log, not here: the model and the user read this.
    if (!entryPresent(url)) return 'this server\'s build output lacks its worker entry (it was deployed without it)'
    return null
  }
}

/**
 * One line per reason for the tools that must run isolated (`isolation: 'worker'`, or listed in
 * `tools.isolated`) and cannot here, naming them: without it the operator learnt it from the
 * catalog or from the first call's error result.
 */
export function isolationBootWarnings(tools: readonly ToolDefinition[], config: BackgroundJobsConfig, unavailable: IsolationAvailability): string[] {
  const byReason = new Map<string, string[]>()
  for (const tool of tools) {
    if (!runsIsolated(tool, config)) continue
    const why = unavailable(tool.name)
    if (why) byReason.set(why, [...byReason.get(why) ?? [], tool.name])
  }
  return [...byReason].map(([why, names]) => `isolated tool${names.length > 1 ? 's' : ''} ${names.map(name => `"${name}"`).join(', ')} cannot run in an isolation worker on this server: ${why.replace(/^it was/, names.length > 1 ? 'they were' : 'it was')}; ${names.length > 1 ? 'their calls end' : 'its calls end'} with an error result and the catalog lists ${names.length > 1 ? 'them' : 'it'} unavailable`)
}
