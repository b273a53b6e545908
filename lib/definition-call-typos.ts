/**
 * A misspelt auto-import in a tool or workflow file: `export default defineTols({ … })`. Nothing
 * defines the name, so the file failed only when the server loaded it (`defineTols is not
 * defined`, under `nuxt dev` on every request), and a `.js` file or a build without `nuxt
 * typecheck` never said so earlier. The build warns, naming the file and the helper it meant.
 * A name the file imports or declares itself (a helper of the app's own) is left alone.
 */
import { readFileSync } from 'node:fs'
import { closestName } from '../server/lib/closest-name'

/** The auto-imported helpers a definition file default-exports a call of. */
const DEFINE_HELPERS = ['defineTool', 'defineWorkflow'] as const
/** How many edits away a name may be to count as a misspelling of one. */
const MAX_EDITS = 3

const DEFAULT_CALL = /export\s+default\s+([A-Za-z_$][\w$]*)\s*\(/

/** Whether `code` imports or declares `name` itself. */
function bindsItself(code: string, name: string): boolean {
  const word = `\\b${name.replace(/\$/g, '\\$')}\\b`
  return new RegExp(`\\bimport\\b[^;]*${word}[^;]*\\bfrom\\b`).test(code)
    || new RegExp(`\\b(?:function\\*?|const|let|var|class)\\s+${word}`).test(code)
}

/** The warning for a definition file's text, or undefined when its default export calls a helper as spelt. */
export function definitionCallTypo(code: string, shownName: string): string | undefined {
  const called = DEFAULT_CALL.exec(code)?.[1]
  if (!called || (DEFINE_HELPERS as readonly string[]).includes(called) || bindsItself(code, called)) return undefined
  const meant = closestName(called, DEFINE_HELPERS, MAX_EDITS)
  if (!meant) return undefined
  return `${shownName} default-exports ${called}(…), which nothing defines: did you mean ${meant} (auto-imported in server files)? The server would fail to load the file ("${called} is not defined")`
}

/** The warnings for `files` (absolute path → how messages name it). */
export function definitionCallTypoWarnings(files: ReadonlyMap<string, { shownName: string }>): string[] {
  const warnings: string[] = []
  for (const [path, { shownName }] of files) {
    let code: string
    try {
      code = readFileSync(path, 'utf8')
    }
    catch {
      continue
    }
    const warning = definitionCallTypo(code, shownName)
    if (warning) warnings.push(warning)
  }
  return warnings
}
