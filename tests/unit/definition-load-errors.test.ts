/**
 * A tool or workflow file that throws while it loads (its top level, or a module it imports: a
 * client built from a missing key, a `z.strin()` typo `nuxt build` does not type-check) stops the
 * server with an error naming the file. Before, the process died with Node's trace into a bundled
 * chunk (`chunks/_/background-jobs-tool-runtime.mjs:2679`) and nothing named the app's file.
 * Built with rollup as Nitro's production build is (the worker plugin's grouping of the tool files
 * into one chunk, Nitro's grouping of the rest), then run by Node as the server's entry is.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Plugin } from 'rollup'
import { rollup } from 'rollup'
import { afterAll, describe, expect, it } from 'vitest'
import type { DefinitionFile } from '../../lib/definition-load-errors'
import { definitionLoadPlugin } from '../../lib/definition-load-errors'
import { TOOL_WORKER_ENTRY, toolWorkerEntryCode, toolWorkerPlugin } from '../../lib/tool-worker'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Builds a server shaped like Nitro's from these tool and workflow sources, runs it, and returns what it printed and its exit code. */
async function buildAndRun(sources: Record<string, string>, nodeArgs: string[] = []): Promise<{ status: number | null, stderr: string, stdout: string }> {
  const all: Record<string, string> = {
    'server-entry': `import { app } from 'runtime/app'; console.log('listening; uncaughtException listeners: ' + process.listenerCount('uncaughtException') + '; exit listeners: ' + process.listenerCount('exit')); export default app`,
    'runtime/app': `import tools from 'tools-list'; import workflows from 'workflows-list'; export const app = { tools, workflows }`,
    'tools-list': `import weather from '/app/server/tools/weather.ts'; import time from '/app/server/tools/time.ts'; export default [weather, time]`,
    'workflows-list': `import report from '/app/server/workflows/report.ts'; export default [report]`,
    'worker-runtime': `export function createToolWorker(loaders) { return loaders }; export const listToolNames = () => []`,
    [TOOL_WORKER_ENTRY]: toolWorkerEntryCode(['/app/server/tools/weather.ts', '/app/server/tools/time.ts'], 'worker-runtime'),
    '/app/server/tools/time.ts': `export default { name: 'time' }`,
    '/app/server/workflows/report.ts': `export default { name: 'report' }`,
    ...sources,
  }
  const files = new Map<string, DefinitionFile>([
    ['/app/server/tools/weather.ts', { kind: 'tool', shownName: 'server/tools/weather.ts' }],
    ['/app/server/tools/time.ts', { kind: 'tool', shownName: 'server/tools/time.ts' }],
    ['/app/server/workflows/report.ts', { kind: 'workflow', shownName: 'server/workflows/report.ts' }],
  ])
  const served: Plugin = { name: 'sources', resolveId: id => (id in all ? id : null), load: id => all[id] ?? null }
  const bundle = await rollup({ input: 'server-entry', plugins: [toolWorkerPlugin({ emit: true }), definitionLoadPlugin(files) as Plugin, served], onwarn: () => {} })
  const dir = mkdtempSync(join(tmpdir(), 'bgjobs-load-errors-'))
  dirs.push(dir)
  const { output } = await bundle.generate({ format: 'esm', manualChunks: id => (id.startsWith('runtime/') ? 'nitro' : undefined) })
  await bundle.close()
  for (const file of output) writeFileSync(join(dir, file.fileName.replace(/\//g, '_')), file.type === 'chunk' ? file.code.replace(/(from |import\()(['"])\.\/([^'"]+)\2/g, (_m, head, quote, path: string) => `${head}${quote}./${path.replace(/\//g, '_')}${quote}`) : file.source)
  const run = spawnSync(process.execPath, [...nodeArgs, join(dir, 'server-entry.js')], { encoding: 'utf8' })
  return { status: run.status, stderr: run.stderr, stdout: run.stdout }
}

describe('a definition file that throws while it loads', () => {
  it('a module a tool file imports throws: the boot error names the tool file and the error', async () => {
    const run = await buildAndRun({
      '/app/server/tools/weather.ts': `import { client } from 'weather-client'; export default { name: 'weather', client }`,
      'weather-client': `export const client = (() => { throw new Error('WEATHER_KEY is not set') })()`,
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('the tool file server/tools/weather.ts failed to load, so the server cannot start: WEATHER_KEY is not set')
    // Its own exit is not told as the file's.
    expect(run.stderr).not.toContain('ended the process')
    expect(run.stdout).not.toContain('listening')
  })

  it('a tool file written as a script, calling process.exit(1) at its top level with nothing printed: the boot names the file', async () => {
    const run = await buildAndRun({ '/app/server/tools/weather.ts': `if (!process.env.WEATHER_KEY_FOR_NO_TEST) process.exit(1); export default { name: 'weather' }` })
    expect(run.status).toBe(1)
    expect(run.stderr.trim()).toBe('[nuxt-background-jobs] the tool file server/tools/weather.ts ended the process (process.exit(1)) while it loaded, so the server cannot start (its top level or a module it imports called process.exit; throw an error instead, which the boot names)')
    expect(run.stdout).not.toContain('listening')
  })

  it('a module an imported tool file imports exits: the innermost loading file is named, once', async () => {
    const run = await buildAndRun({
      '/app/server/tools/weather.ts': `import time from '/app/server/tools/time.ts'; export default { name: 'weather', time }`,
      '/app/server/tools/time.ts': `import 'clock-client'; export default { name: 'time' }`,
      'clock-client': `process.exit(2)`,
    })
    expect(run.status).toBe(2)
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining('the tool file server/tools/time.ts ended the process (process.exit(2)) while it loaded')])
  })

  it('a workflow file\'s own top level throws (a typo nuxt build does not type-check): named as the workflow file', async () => {
    const run = await buildAndRun({
      '/app/server/tools/weather.ts': `export default { name: 'weather' }`,
      '/app/server/workflows/report.ts': `const z = {}; export default { name: 'report', input: z.objekt() }`,
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('the workflow file server/workflows/report.ts failed to load, so the server cannot start: z.objekt is not a function')
  })

  it('files that load leave no listener behind: an error after the boot is Node\'s own again', async () => {
    const run = await buildAndRun({ '/app/server/tools/weather.ts': `export default { name: 'weather' }` })
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('listening; uncaughtException listeners: 0; exit listeners: 0')
  })

  it('a tool file that imports another one: no listener left behind, and a throw in the inner one names it', async () => {
    const importing = { '/app/server/tools/weather.ts': `import time from '/app/server/tools/time.ts'; export default { name: 'weather', time }` }
    const loaded = await buildAndRun(importing)
    expect(loaded.stdout).toContain('listening; uncaughtException listeners: 0; exit listeners: 0')
    const failed = await buildAndRun({ ...importing, '/app/server/tools/time.ts': `throw new Error('no clock'); export default {}` })
    expect(failed.status).toBe(1)
    expect(failed.stderr).toContain('the tool file server/tools/time.ts failed to load, so the server cannot start: no clock')
    expect(failed.stderr).not.toContain('server/tools/weather.ts')
  })

  // deno-server and bun are supported presets: a `process` without Node's listener methods must not
  // turn every boot into a crash of this module's own making.
  it('a runtime whose process has no prependListener boots as before', async () => {
    const noPrepend = ['--import', 'data:text/javascript,process.prependListener = undefined']
    const run = await buildAndRun({ '/app/server/tools/weather.ts': `export default { name: 'weather' }` }, noPrepend)
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('listening')
  })
})
