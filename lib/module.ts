/**
 * Build-time part of the layer:
 * - typed options under the `backgroundJobs` key of nuxt.config (the same shape as
 *   `runtimeConfig.backgroundJobs`, merged into it, checked at build time: a value that makes no
 *   sense fails the build naming the key);
 * - finds tool and workflow files in `server/tools/` and `server/workflows/` of the app and of
 *   every layer, and exposes them to the server as the virtual modules `#background-jobs/tools`
 *   and `#background-jobs/workflows` (default export: the list of definitions). This is how a
 *   file becomes a registered tool with no other step.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { addServerTemplate, addTypeTemplate, defineNuxtModule } from '@nuxt/kit'
import { defu } from 'defu'
import type { BackgroundJobsConfigInput } from '../server/lib/config'
import { resolveConfig } from '../server/lib/config'
import { InvalidConfigError, configProblems } from '../server/lib/config-validate'
import { DEVTOOLS_TOKEN_MODULE, setupDevtools } from './devtools'

const DEFINITION_FILE = /^[^.].*\.(?:ts|js|mjs)$/
const DEFINITION_FOLDERS = { tools: 'tools', workflows: 'workflows' } as const

/** The definition files of one kind, app first (so an app's file can shadow a layer's by name). */
function findDefinitionFiles(serverDirs: string[], folder: string): string[] {
  const files: string[] = []
  for (const serverDir of serverDirs) {
    const dir = join(serverDir, folder)
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir).sort()) {
      if (DEFINITION_FILE.test(name) && !name.endsWith('.d.ts')) files.push(join(dir, name))
    }
  }
  return files
}

function moduleCode(files: string[]): string {
  const imports = files.map((file, index) => `import definition${index} from ${JSON.stringify(file)}`)
  const list = files.map((_, index) => `definition${index}`).join(', ')
  return `${imports.join('\n')}\nexport default [${list}]\n`
}

/** Options under `backgroundJobs` in nuxt.config: any setting of `runtimeConfig.backgroundJobs` (see docs/config.md). */
export type ModuleOptions = BackgroundJobsConfigInput

export default defineNuxtModule<ModuleOptions>({
  meta: { name: 'nuxt-background-jobs', configKey: 'backgroundJobs' },
  async setup(options, nuxt) {
    const runtimeConfig = nuxt.options.runtimeConfig as { backgroundJobs?: BackgroundJobsConfigInput }
    runtimeConfig.backgroundJobs = defu(options, runtimeConfig.backgroundJobs ?? {}) as BackgroundJobsConfigInput
    const problems = configProblems(resolveConfig(runtimeConfig.backgroundJobs, {}, { dev: nuxt.options.dev }), { runtime: false })
    if (problems.length > 0) throw new InvalidConfigError(problems)

    const serverDirs = nuxt.options._layers.map(layer =>
      resolve(layer.config.rootDir, (layer.config as { serverDir?: string }).serverDir ?? 'server'),
    )
    for (const [kind, folder] of Object.entries(DEFINITION_FOLDERS)) {
      addServerTemplate({
        filename: `#background-jobs/${kind}`,
        getContents: () => moduleCode(findDefinitionFiles(serverDirs, folder)),
      })
    }
    addTypeTemplate({
      filename: 'types/background-jobs-definitions.d.ts',
      getContents: () => [
        `declare module '#background-jobs/tools' { const tools: import(${JSON.stringify(resolve(__dirname, '../server/lib/tools/types'))}).ToolDefinition<any, any>[]; export default tools }`,
        `declare module '#background-jobs/workflows' { const workflows: unknown[]; export default workflows }`,
        `declare module '${DEVTOOLS_TOKEN_MODULE}' { export const devtoolsToken: string }`,
      ].join('\n'),
    }, { nitro: true, nuxt: true })
    await setupDevtools(nuxt)
  },
})
