/**
 * Names in `tools.disabled` or `tools.isolated` that match no registered tool. Such a name does
 * nothing, so a misspelt kill switch (`NUXT_BACKGROUND_JOBS_TOOLS_DISABLED=delte_file`) leaves the
 * tool on with nothing said. Not checked at boot: an app may `register` tools from a plugin after
 * the engine starts (docs/tools.md). The engine checks when a job is created, when those have
 * had their turn, and warns once per name, naming the variable and the nearest registered tool.
 */
import type { BackgroundJobsConfig } from './config'
import { disabledToolNames, envNameOf, isolatedToolNames } from './config'
import { closestName } from './closest-name'
import type { Logger } from './logger'
import type { ToolRegistry } from './tools/types'

/** The most edits between a misspelt tool name and the tool it suggests (as a request's `tools`). */
const MAX_SUGGESTION_DISTANCE = 3

/** The settings checked, with the names each lists. */
const SETTINGS = [
  { key: 'tools.disabled', names: disabledToolNames, effect: 'turns nothing off' },
  { key: 'tools.isolated', names: isolatedToolNames, effect: 'isolates nothing' },
] as const

/** A checker that warns once per unknown name; call it with the configuration a job is created with. */
export function createUnknownToolSettingsCheck(logger: Logger) {
  const warned = new Set<string>()
  let checked: BackgroundJobsConfig | undefined
  return function checkToolSettings(config: BackgroundJobsConfig, tools: Pick<ToolRegistry, 'get' | 'list'>): void {
    // The configuration object is the same for every request until the runtime config changes.
    if (config === checked) return
    checked = config
    for (const setting of SETTINGS) {
      for (const name of setting.names(config)) {
        if (tools.get(name)) continue
        const id = `${setting.key}\n${name}`
        if (warned.has(id)) continue
        warned.add(id)
        const suggestion = closestName(name, tools.list().map(tool => tool.name), MAX_SUGGESTION_DISTANCE)
        logger.warn(`${setting.key} (${envNameOf(setting.key)}) names ${JSON.stringify(name)}, which is not a registered tool${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}, so it ${setting.effect}`)
      }
    }
  }
}
