/**
 * Nuxt leaves out of its server folders the files its `ignore` option names: by default test and
 * spec files (`get-weather.test.ts`), files starting with `-` (`ignorePrefix`), and whatever
 * `.nuxtignore` lists. Nitro does so for `server/api`; the layer's own `server/tools` and
 * `server/workflows` listing did not: a test kept beside its tool was bundled into the server as a
 * tool file, and the server refused to boot (it has no `defineTool` default export; it imports
 * vitest). The listing the server and the worker entry import must leave them out as well.
 * Loads a small app's Nuxt (the layer's module runs; nothing is built).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { loadNuxt } from 'nuxt/kit'

const ROOT = resolve(import.meta.dirname, '../..')
const app = mkdtempSync(join(tmpdir(), 'bgjobs-ignored-files-'))
afterAll(() => rmSync(app, { recursive: true, force: true }))

function write(path: string, text: string) {
  mkdirSync(join(app, path, '..'), { recursive: true })
  writeFileSync(join(app, path), text)
}

it('test files, files starting with "-" and .nuxtignore entries in server/tools and server/workflows are not listed', async () => {
  // Nuxt is found from the app's folder.
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir')
  write('nuxt.config.ts', `export default defineNuxtConfig({ extends: [${JSON.stringify(ROOT)}], telemetry: false })\n`)
  write('server/tools/get-weather.ts', 'export default {}\n')
  write('server/tools/get-weather.test.ts', 'export {}\n')
  write('server/tools/get-weather.spec.ts', 'export {}\n')
  write('server/tools/-draft.ts', 'export default {}\n')
  write('server/tools/local-only.ts', 'export default {}\n')
  write('server/workflows/report.ts', 'export default {}\n')
  write('server/workflows/report.test.ts', 'export {}\n')
  write('.nuxtignore', 'server/tools/local-only.ts\n')
  const nuxt = await loadNuxt({ cwd: app, dev: false, ready: true, overrides: { buildDir: join(app, '.nuxt') } })
  try {
    const virtual = (nuxt.options as unknown as { nitro: { virtual: Record<string, () => string | Promise<string>> } }).nitro.virtual
    const tools = await virtual['#background-jobs/tools']!()
    const worker = await virtual['#background-jobs/tool-worker']!()
    const workflows = await virtual['#background-jobs/workflows']!()
    expect(tools).toContain('get-weather.ts')
    expect(workflows).toContain('report.ts')
    for (const listing of [tools, worker, workflows]) {
      expect(listing).not.toMatch(/\.test\.ts|\.spec\.ts|-draft\.ts|local-only\.ts/)
    }
  }
  finally {
    await nuxt.close()
  }
})
