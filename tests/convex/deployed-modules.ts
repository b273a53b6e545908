/**
 * The files `npx convex deploy` pushes from convex/, found the way its bundler finds entry points
 * (convex/dist/esm/bundler/index.js, `entryPoints`): every folder, every extension it bundles,
 * but `_generated/`, `schema.ts`, dotfiles, editor temp files, names with several dots
 * (`x.test.ts`, `auth.config.ts`) and paths with spaces. A public function in convex/admin/peek.ts
 * or convex/peek.js is deployed as surely as one in convex/jobs.ts, so the tests that check what
 * the deployment exposes read them all.
 */
import { readFileSync } from 'node:fs'

/** Every candidate file, loaded, by its path relative to this file. */
export const convexModules = import.meta.glob(['../../convex/**/*.{js,mjs,cjs,ts,tsx,mts,cts,jsx}', '!../../convex/_generated/**'], { eager: true }) as Record<string, Record<string, unknown>>

/** The module name Convex deploys the file as ("admin/peek"), or null for a file the CLI skips. */
export function deployedModule(path: string): string | null {
  const relative = path.replace(/^.*?\/convex\//, '')
  const base = relative.split('/').pop()!
  if (/^schema\.[jt]s$/.test(base) || base.startsWith('.') || base.startsWith('#') || (base.match(/\./g) ?? []).length > 1 || relative.includes(' ')) return null
  return relative.replace(/\.[^./]+$/, '')
}

/** What a module exports that Convex registers (Convex marks each). */
export interface RegisteredFunction {
  isPublic?: boolean
  isInternal?: boolean
  isQuery?: boolean
  isHttp?: boolean
  isRouter?: boolean
  exportArgs(): string
}

/** Every registered export of the deployed modules by "module:name": functions, HTTP actions and routers. */
export function registeredFunctions(): Map<string, RegisteredFunction> {
  const found = new Map<string, RegisteredFunction>()
  for (const [path, exports] of Object.entries(convexModules)) {
    const module = deployedModule(path)
    if (module === null) continue
    for (const [name, value] of Object.entries(exports)) {
      const fn = value as RegisteredFunction | null
      if (fn?.isPublic || fn?.isInternal || fn?.isHttp || fn?.isRouter) found.set(`${module}:${name}`, fn)
    }
  }
  return found
}

/** The source of every deployed module, by module name. */
export function deployedSources(): Map<string, string> {
  return new Map(Object.keys(convexModules).flatMap((path) => {
    const module = deployedModule(path)
    return module === null ? [] : [[module, readFileSync(new URL(path, import.meta.url), 'utf8')] as [string, string]]
  }))
}
