/**
 * The build side of isolation on a small rollup graph shaped like Nitro's: a server entry, a
 * "runtime" that starts the app when loaded (Nitro's createNitroApp) and reaches the tool files
 * through the plugins. The emitted worker chunk must reach the tool files and the worker runtime,
 * and never the server — with Nitro's production grouping (a manual chunk that would swallow its
 * dependencies) and with the dev output (no grouping). The built fixture app proves the real
 * Nitro build (tests/e2e/isolation.test.ts).
 */
import type { OutputBundle, OutputChunk, Plugin } from 'rollup'
import { rollup } from 'rollup'
import { describe, expect, it } from 'vitest'
import { TOOL_WORKER_ENTRY, TOOL_WORKER_FILE_NAME, TOOL_WORKER_URL, toolWorkerEntryCode, toolWorkerPlugin } from '../../lib/tool-worker'

const SOURCES: Record<string, string> = {
  'server-entry': `import { app } from 'runtime/app'; import url from '${TOOL_WORKER_URL}'; export default [app, url]`,
  'runtime/app': `import tools from 'tools-list'; globalThis.serverStarted = true; export const app = { tools }`,
  'tools-list': `import a from 'tool-a'; import b from 'tool-b'; export default [a, b]`,
  'tool-a': `import { helper } from 'shared-helper'; export default { name: 'a', run: helper }`,
  'tool-b': `export default { name: 'b' }`,
  'shared-helper': `export const helper = () => 'helped'`,
  'worker-runtime': `import { helper } from 'shared-helper'; export function createToolWorker(loaders) { return task => loaders[task].call(null).then(helper) }; export const listToolNames = () => []`,
  [TOOL_WORKER_ENTRY]: toolWorkerEntryCode(['tool-a', 'tool-b'], 'worker-runtime'),
}

/** Serves SOURCES as modules (what Nitro's virtual modules and resolver do). */
const sources: Plugin = {
  name: 'sources',
  resolveId: id => (id in SOURCES ? id : null),
  load: id => SOURCES[id] ?? null,
}

async function build(manualChunks?: (id: string) => string | undefined): Promise<OutputBundle> {
  const bundle = await rollup({ input: 'server-entry', plugins: [toolWorkerPlugin({ emit: true }), sources], onwarn: () => {} })
  const { output } = await bundle.generate({ format: 'esm', ...(manualChunks ? { manualChunks } : {}) })
  await bundle.close()
  return Object.fromEntries(output.map(file => [file.fileName, file])) as OutputBundle
}

/** Every chunk `fileName` loads, statically or dynamically, itself included. */
function loadedBy(bundle: OutputBundle, fileName: string): OutputChunk[] {
  const seen = new Map<string, OutputChunk>()
  const pending = [fileName]
  while (pending.length) {
    const chunk = bundle[pending.pop()!] as OutputChunk | undefined
    if (!chunk || seen.has(chunk.fileName)) continue
    seen.set(chunk.fileName, chunk)
    pending.push(...chunk.imports, ...chunk.dynamicImports)
  }
  return [...seen.values()]
}

const NITRO_GROUPING = (id: string) => (id.startsWith('runtime/') || id === 'server-entry' ? 'nitro' : undefined)

describe.each([
  ['production (Nitro groups its runtime into one manual chunk)', NITRO_GROUPING],
  ['dev (no grouping)', undefined],
])('the worker chunk, %s', (_name, grouping) => {
  it('reaches every tool file and the worker runtime, never the server', async () => {
    const bundle = await build(grouping)
    expect(bundle[TOOL_WORKER_FILE_NAME]).toBeDefined()
    const modules = loadedBy(bundle, TOOL_WORKER_FILE_NAME).flatMap(chunk => Object.keys(chunk.modules))
    expect(modules).toEqual(expect.arrayContaining([TOOL_WORKER_ENTRY, 'worker-runtime', 'tool-a', 'tool-b', 'shared-helper']))
    expect(modules).not.toContain('runtime/app')
    expect(modules).not.toContain('server-entry')
  })

  it('the server finds it by the URL module, resolved against its entry', async () => {
    const bundle = await build(grouping)
    const code = Object.values(bundle).filter(file => file.type === 'chunk').map(chunk => chunk.code).join('\n')
    expect(code).toContain(`new URL(${JSON.stringify(TOOL_WORKER_FILE_NAME)}, globalThis._importMeta_.url)`)
  })
})

it('an output that must stay one file gets no worker chunk, and the URL is null', async () => {
  const bundle = await rollup({ input: 'server-entry', plugins: [toolWorkerPlugin({ emit: false }), sources], onwarn: () => {} })
  const { output } = await bundle.generate({ format: 'esm', inlineDynamicImports: true })
  await bundle.close()
  expect(output.map(file => file.fileName)).toEqual(['server-entry.js'])
  expect(output[0].code).toContain('return null')
})
