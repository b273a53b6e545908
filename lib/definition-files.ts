/**
 * The tool and workflow files of an app and its layers: `server/tools/*` and `server/workflows/*`
 * (direct children, `.ts` / `.js` / `.mjs`, no `.d.ts`, no dotfiles such as editor swap files),
 * without what Nuxt's `ignore` option leaves out of its server folders, as Nitro does for
 * `server/api` (by default test and spec files, a `-` prefix, and `.nuxtignore`): a test kept
 * beside its tool was bundled into the server as a tool file, and the server refused to boot.
 *
 * Under `nuxt dev`, Nitro rebuilds when a file the server bundle imports changes, and reloads when
 * a file is added to one of *its own* folders (api, routes, middleware, plugins). The definition
 * folders are neither: a new tool file was not imported yet, so it stayed unknown until a restart.
 * `reloadOnDefinitionChanges` closes that gap: adding, deleting or renaming a definition file
 * reloads the server build, whose `#background-jobs/*` modules then list the files anew.
 */
import { existsSync, readdirSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import type { Nuxt } from 'nuxt/schema'
import type { Nitro } from 'nitropack/types'

const DEFINITION_FILE = /^[^.].*\.(?:ts|js|mjs)$/
/** Watcher events that change which files there are (a change to a file's text is Nitro's own rebuild). */
const LISTING_EVENTS = new Set(['add', 'unlink', 'addDir', 'unlinkDir'])

/** Whether a file name is a definition file's. */
export function isDefinitionFileName(name: string): boolean {
  return DEFINITION_FILE.test(name) && !name.endsWith('.d.ts')
}

/**
 * The definition files in `folder` of each server dir, in order (app first, so an app's file can
 * shadow a layer's by name); `ignored` is Nuxt's check of its `ignore` option (kit's `createIsIgnored`).
 */
export function findDefinitionFiles(serverDirs: string[], folder: string, ignored: (path: string) => boolean = () => false): string[] {
  const files: string[] = []
  for (const serverDir of serverDirs) {
    const dir = join(serverDir, folder)
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir).sort()) {
      if (isDefinitionFileName(name) && !ignored(join(dir, name))) files.push(join(dir, name))
    }
  }
  return files
}

/** Whether a watcher event at `path` adds or removes a definition file (or a whole definition folder) of `dirs`. */
export function changesDefinitionListing(event: string, path: string, dirs: string[]): boolean {
  if (!LISTING_EVENTS.has(event)) return false
  if (event === 'addDir' || event === 'unlinkDir') return dirs.includes(path)
  return dirs.includes(dirname(path)) && isDefinitionFileName(basename(path))
}

/**
 * Under `nuxt dev`: reloads the Nitro build when a definition file is added, deleted or renamed
 * in one of `dirs` (absolute `server/tools`, `server/workflows` folders).
 */
export function reloadOnDefinitionChanges(nuxt: Nuxt, nitro: Nitro, dirs: string[]): void {
  nuxt.hook('builder:watch', async (event, path) => {
    // Nuxt passes absolute paths; older versions passed them relative to srcDir.
    if (changesDefinitionListing(event, resolve(nuxt.options.srcDir, path), dirs)) await nitro.hooks.callHook('rollup:reload')
  })
}
