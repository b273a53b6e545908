/**
 * A view of a tool registry limited to some names: everything downstream (which tools are
 * offered, which calls may run) then sees only those, so a per-job or per-user restriction needs
 * no special case in the executor or the workflow nodes.
 */
import type { ToolRegistry } from './types'

/** The registry itself when `allowed` is undefined, else a view that knows only `allowed`. */
export function restrictTools(registry: ToolRegistry, allowed: readonly string[] | undefined): ToolRegistry {
  if (allowed === undefined) return registry
  const names = new Set(allowed)
  return {
    register: tool => registry.register(tool),
    get: name => (names.has(name) ? registry.get(name) : undefined),
    list: () => registry.list().filter(tool => names.has(tool.name)),
    toModelTools: requested => registry.toModelTools(requested.filter(name => names.has(name))),
    withheld: name => !names.has(name) && registry.get(name) !== undefined,
  }
}
