/**
 * Which tools one request may use. The client only ever picks among registered names: tool
 * definitions in a request body are never read (the engine passes `ChatJobRequest.tools` names
 * only). The operator's switches win over the request: `tools.enabled` false → no tools at all;
 * names in `tools.disabled` are never offered nor run.
 */
import type { BackgroundJobsConfig } from '../config'
import { disabledToolNames } from '../config'
import type { ToolRegistry } from '../tools/types'

/**
 * The names of the tools a request may use, in the order asked (or registration order).
 * @param requested the request's names; `undefined` means every enabled tool. Unknown names are
 *   ignored (a client built against another deployment must not break the chat).
 */
export function resolveToolNames(registry: ToolRegistry, config: BackgroundJobsConfig, requested?: readonly string[]): string[] {
  if (!config.tools.enabled) return []
  const disabled = disabledToolNames(config)
  const candidates = requested ?? registry.list().map(tool => tool.name)
  const names: string[] = []
  for (const name of candidates) {
    if (typeof name !== 'string' || names.includes(name)) continue
    if (!registry.get(name) || disabled.has(name)) continue
    names.push(name)
  }
  return names
}
