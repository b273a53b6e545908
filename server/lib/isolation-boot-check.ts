/**
 * The boot's check of isolated tools no worker can run here (server/lib/isolation/worker-entry.ts),
 * run once the server's entry module has run. The worker entry's URL is resolved against the
 * entry's `import.meta.url`, which Nitro's entry sets only after its imports — the Nitro app and
 * its plugins, this one's among them — have run; until then it is Nitro's stand-in
 * `file:///_entry.js`. Checked from the plugin itself, every production build with an isolated tool
 * logged at boot that its worker entry (`/chunks/background-jobs/tool-worker.mjs`) was missing and
 * that the tool could not run, while its calls ran fine.
 */
import type { BackgroundJobsConfig } from './config'
import type { IsolationAvailability } from './isolation/worker-entry'
import { isolationBootWarnings } from './isolation/worker-entry'
import type { Logger } from './logger'
import type { ToolDefinition } from './tools/types'

/** What `checkIsolationAfterEntry` reads. */
export interface IsolationBootCheckOptions {
  tools: () => readonly ToolDefinition[]
  config: BackgroundJobsConfig
  unavailable: IsolationAvailability
  logger: Logger
  /** Runs the check once the current module evaluation is over. @default setImmediate */
  defer?: (check: () => void) => void
}

/** Logs one warning per reason isolated tools cannot run here, once the entry has set its URL. */
export function checkIsolationAfterEntry({ tools, config, unavailable, logger, defer = check => setImmediate(check) }: IsolationBootCheckOptions): void {
  defer(() => {
    for (const warning of isolationBootWarnings(tools(), config, unavailable)) logger.warn(warning)
  })
}
