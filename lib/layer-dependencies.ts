/**
 * The layer's own dependencies (its package.json `dependencies`) must be installed where its files
 * are. Installed as a package, or a local checkout where `npm install` ran, they are. Extended from
 * a git source (`github:owner/nuxt-background-jobs`), Nuxt downloads the layer's files into
 * `node_modules/.c12/` and installs nothing: `nuxt build` only warned (`"tinypool" … could not be
 * resolved – treating it as an external dependency`) and the production server stopped at boot
 * with `Cannot find package '@opentelemetry/api'`. The build now stops first, naming the packages.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { realPath } from './real-path'

/** A dependency of the layer: its name and the version range its package.json asks for. */
export interface LayerDependency {
  name: string
  range: string
}

/** The `dependencies` of the layer's package.json. */
export function layerDependencies(layerDir: string): LayerDependency[] {
  const manifest = JSON.parse(readFileSync(join(layerDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
  return Object.entries(manifest.dependencies ?? {}).map(([name, range]) => ({ name, range }))
}

/** Whether Node would find the package from `fromDir`: a `node_modules/<name>` in it or a folder above. */
function isInstalledFrom(name: string, fromDir: string): boolean {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return true
    if (dirname(dir) === dir) return false
  }
}

/** Whether Node's resolver finds the package from the layer (Yarn Plug'n'Play has no node_modules). */
function isResolvableFrom(name: string, layerDir: string): boolean {
  try {
    createRequire(join(layerDir, 'package.json')).resolve(name)
    return true
  }
  catch {
    return false
  }
}

/**
 * The layer's dependencies that cannot be found from its folder. The folder's real path too (pnpm
 * links a package into the app's node_modules; its dependencies sit beside its real folder), and
 * Node's resolver last: only a package neither finds is missing, so an install the check does not
 * know the shape of never stops a build that would have worked.
 */
export function missingLayerDependencies(layerDir: string): LayerDependency[] {
  const realDir = realPath(layerDir)
  return layerDependencies(layerDir).filter(({ name }) =>
    !isInstalledFrom(name, layerDir) && !isInstalledFrom(name, realDir) && !isResolvableFrom(name, realDir))
}

/** Why the build stops, and what to do. */
export function missingDependenciesMessage(layerDir: string, missing: readonly LayerDependency[]): string {
  const names = missing.map(dependency => dependency.name).join(', ')
  const install = missing.map(dependency => `"${dependency.name}@${dependency.range}"`).join(' ')
  return `nuxt-background-jobs: the layer's dependencies ${names} are not installed where the layer is (${layerDir}), so its server would stop at boot ("Cannot find package"). `
    + 'A layer extended from a git source is downloaded without its dependencies: add them to your app '
    + `(npm install ${install}), or install the layer as a package and extend it by its name. See README.md, "Use it in your app".`
}
