/**
 * Tool and workflow files where the layer does not read them. Only `server/tools/*` and
 * `server/workflows/*` (direct children: definition-files.ts) are registered; a developer's
 * `server/tool/weather.ts` (singular), `server/utils/tools/…`, a root `tools/` folder, or a tool in
 * a subfolder of `server/tools/` (which holds helpers) built and booted without a word — an empty
 * catalog, and a chat naming the tool a 400 "not a registered tool". The build warns, naming each
 * such file and where it belongs. Only a file that default-exports `defineTool(` or
 * `defineWorkflow(` is named: helpers and other code in those folders are left alone.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import { isDefinitionFileName } from './definition-files'

/** One layer's folders (the app's first). */
export interface DefinitionRoots {
  rootDir: string
  serverDir: string
}

const KINDS = [
  { kind: 'tool', folder: 'tools', define: /export\s+default\s+defineTool\s*\(/, nearMisses: (roots: DefinitionRoots) => [join(roots.serverDir, 'tool'), join(roots.serverDir, 'utils', 'tools'), join(roots.rootDir, 'tools')] },
  { kind: 'workflow', folder: 'workflows', define: /export\s+default\s+defineWorkflow\s*\(/, nearMisses: (roots: DefinitionRoots) => [join(roots.serverDir, 'workflow'), join(roots.serverDir, 'utils', 'workflows'), join(roots.rootDir, 'workflows')] },
] as const

/** How deep below `server/tools/` a definition file is looked for. */
const SUBFOLDER_DEPTH = 2

/** The definition files directly in `dir` (none when it does not exist). */
function filesIn(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return []
  return readdirSync(dir).sort().filter(isDefinitionFileName).map(name => join(dir, name)).filter(path => statSync(path).isFile())
}

/** The definition files in the subfolders of `dir`, down to `depth` levels. */
function filesBelow(dir: string, depth: number): string[] {
  if (depth === 0 || !existsSync(dir)) return []
  const folders = readdirSync(dir, { withFileTypes: true }).filter(entry => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
  return folders.sort((a, b) => a.name.localeCompare(b.name)).flatMap(entry => [...filesIn(join(dir, entry.name)), ...filesBelow(join(dir, entry.name), depth - 1)])
}

function defines(path: string, pattern: RegExp): boolean {
  try {
    return pattern.test(readFileSync(path, 'utf8'))
  }
  catch {
    return false
  }
}

/** The build's warnings for definition files of `layers` the layer does not read; paths shown relative to `appRoot`. */
export function misplacedDefinitionWarnings(layers: readonly DefinitionRoots[], appRoot: string): string[] {
  const shown = (path: string) => {
    const inApp = relative(appRoot, path)
    return inApp && !inApp.startsWith('..') && !isAbsolute(inApp) ? inApp.split('\\').join('/') : path
  }
  const warnings: string[] = []
  for (const { kind, folder, define, nearMisses } of KINDS) {
    const home = `server/${folder}/`
    for (const roots of layers) {
      for (const dir of nearMisses(roots)) {
        for (const file of filesIn(dir).filter(path => defines(path, define))) {
          warnings.push(`${shown(file)} default-exports define${kind === 'tool' ? 'Tool' : 'Workflow'}, but ${kind} files are read from ${home} only: move it there, or it is never registered`)
        }
      }
      for (const file of filesBelow(join(roots.serverDir, folder), SUBFOLDER_DEPTH).filter(path => defines(path, define))) {
        warnings.push(`${shown(file)} default-exports define${kind === 'tool' ? 'Tool' : 'Workflow'}, but only the files directly in ${home} are read (its subfolders hold helpers): move it to ${home}, or it is never registered`)
      }
    }
  }
  return warnings
}
