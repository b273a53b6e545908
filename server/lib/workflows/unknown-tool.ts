/**
 * The boot error for a node naming a tool no file defines: the closest tool name (a typo), else the
 * tools there are. The check runs when the server boots, before any app plugin runs, so a tool an
 * app registers in code with `register()` is never among them: said so, not left as "unknown".
 */
import { closestName } from '../closest-name'

/** How many tool names the message lists. */
const LISTED_NAMES = 10

/** `<what> names unknown tool "x"` and the way to fix it. */
export function unknownToolProblem(what: string, tool: string, toolNames: ReadonlySet<string>): string {
  const names = [...toolNames]
  const closest = closestName(tool, names, 3)
  const hint = closest
    ? `did you mean "${closest}"?`
    : names.length === 0
      ? 'no tool file defines one'
      : `the tools of the tool files: ${names.slice(0, LISTED_NAMES).join(', ')}${names.length > LISTED_NAMES ? `, and ${names.length - LISTED_NAMES} more` : ''}`
  return `${what} names unknown tool "${tool}" (${hint}); a workflow may name the tools of server/tools files, not one registered in code with register(), which happens after this check`
}
