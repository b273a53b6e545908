/**
 * Build-time part of a clear boot error for a tool or workflow file that throws while it loads.
 *
 * The server imports every definition file when it starts (`#background-jobs/tools`, lib/module.ts),
 * so an error thrown by a file's top level — or by what it imports: a client built from a missing
 * key, a typo `nuxt build` does not type-check (`z.strin()`) — stopped the process with Node's
 * trace into a bundled chunk (`chunks/_/background-jobs-tool-runtime.mjs:2679`), naming no file of
 * the app. ESM cannot catch an import's error, so each definition file's first import is a small
 * module that listens for the error that ends the process while that file (and what it imports) is
 * evaluated, and the file's last statement stops listening: the error then reads
 * `the tool file server/tools/weather.ts failed to load, so the server cannot start: <message>`,
 * with the error's trace after it. Production builds only: `nuxt dev` shows a failed load itself.
 */

/** The prefix of the virtual module put first in each definition file. */
const LOADING_PREFIX = '\0background-jobs-loading:'
/** The global map (file → stop) through which a file's last statement stops the listener its first import started. */
const LOADED_KEY = 'background-jobs.definition-loaded'
/** The global flag set once a loading file's end of the process is reported (an importing file's listener then says nothing). */
const REPORTED_KEY = 'background-jobs.definition-exit-reported'

/** A definition file: its kind and how messages name it (relative to the app's root when inside it). */
export interface DefinitionFile {
  kind: 'tool' | 'workflow'
  shownName: string
}

/** The rollup plugin's hooks, each given only what it uses. */
export interface DefinitionLoadPlugin {
  name: string
  resolveId: (id: string) => string | null
  load: (id: string) => string | null
  transform: (code: string, id: string) => { code: string, map: null } | null
}

/**
 * The code of the module put first in a definition file: it listens for an uncaught error (a
 * failed ESM evaluation reaches `uncaughtException`) until the file's last statement runs. It also
 * listens for the process's `exit` meanwhile: a file written as a script (`if (!key)
 * process.exit(1)` at its top level, or in a module it imports) ended the boot with no line naming
 * it — nothing at all when it printed nothing. The innermost loading file reports (listeners are
 * put first, and the first to report sets a global flag).
 */
export function loadingModuleCode(file: DefinitionFile): string {
  const what = `the ${file.kind} file ${file.shownName}`
  const reported = `globalThis[Symbol.for(${JSON.stringify(REPORTED_KEY)})]`
  return [
    `const onExit = (code) => {`,
    `  if (${reported}) return`,
    `  ${reported} = true`,
    `  console.error(${JSON.stringify(`[nuxt-background-jobs] ${what} ended the process (process.exit(`)} + code + ${JSON.stringify(`)) while it loaded, so the server cannot start (its top level or a module it imports called process.exit; throw an error instead, which the boot names)`)})`,
    `}`,
    `const onError = (error) => {`,
    `  process.off('uncaughtException', onError)`,
    `  process.off('exit', onExit)`,
    `  ${reported} = true`,
    `  const message = error instanceof Error ? error.message : String(error)`,
    `  console.error(${JSON.stringify(`[nuxt-background-jobs] ${what} failed to load, so the server cannot start: `)} + message + ${JSON.stringify(` (an error thrown by the file's top level or by a module it imports; fix the file, then build again)`)})`,
    `  console.error(error)`,
    `  process.exit(1)`,
    `}`,
    // A runtime whose `process` lacks Node's listener methods (bun, deno-server: presets the layer
    // supports) keeps its own report of the error rather than failing here.
    `const listening = typeof process === 'object' && typeof process.prependListener === 'function' && typeof process.off === 'function'`,
    // First: a definition file that imports another is loading while the inner one is, and the
    // error is the inner one's.
    `if (listening) process.prependListener('uncaughtException', onError)`,
    `if (listening) process.prependListener('exit', onExit)`,
    `const loaded = globalThis[Symbol.for(${JSON.stringify(LOADED_KEY)})] ??= new Map()`,
    `loaded.set(${JSON.stringify(file.shownName)}, () => { if (listening) { process.off('uncaughtException', onError); process.off('exit', onExit) } })`,
    '',
  ].join('\n')
}

/**
 * The rollup plugin: puts the listening module first in every file of `files` (absolute path →
 * its kind and name) and a call that stops it last. The first line keeps its line (the import is
 * put before its code on the same line), so the file's lines stay where they were.
 */
export function definitionLoadPlugin(files: ReadonlyMap<string, DefinitionFile>): DefinitionLoadPlugin {
  return {
    name: 'background-jobs:definition-load-errors',
    resolveId(id) {
      return id.startsWith(LOADING_PREFIX) ? id : null
    },
    load(id) {
      if (!id.startsWith(LOADING_PREFIX)) return null
      const file = files.get(id.slice(LOADING_PREFIX.length))
      return file ? loadingModuleCode(file) : null
    },
    transform(code, id) {
      const file = files.get(id)
      if (!file) return null
      return {
        code: `import ${JSON.stringify(LOADING_PREFIX + id)};${code}\n;globalThis[Symbol.for(${JSON.stringify(LOADED_KEY)})]?.get(${JSON.stringify(file.shownName)})?.();\n`,
        map: null,
      }
    },
  }
}
