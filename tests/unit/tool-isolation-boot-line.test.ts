/**
 * An operator who isolated tools (`tools.isolated`, or a tool's `isolation: 'worker'`) on a server
 * that cannot run them isolated learnt it only from the catalog or from the first call's error
 * result: the boot said nothing (a missing worker entry was logged at the first catalog read or
 * call). The plugin now logs one line per reason at boot naming the tools, sharing the entry check
 * with the engine's pool, so a missing entry file is still named once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { checkIsolationAfterEntry } from '../../server/lib/isolation-boot-check'
import { createToolIsolation } from '../../server/lib/isolation/tool-pool'
import { createIsolationAvailability, isolationBootWarnings } from '../../server/lib/isolation/worker-entry'
import { defineTool } from '../../server/utils/define-tool'
import { recordingLogger } from '../support/recording-logger'

const dir = mkdtempSync(join(tmpdir(), 'bgjobs-isolation-boot-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const tool = (name: string, isolation?: 'worker') => defineTool({ name, description: name, parameters: z.object({}), execute: () => ({}), ...(isolation ? { isolation } : {}) })
const tools = [tool('search'), tool('render', 'worker'), tool('clock'), tool('coded')]
const config = resolveConfig({ tools: { isolated: 'search,coded' } })
// `coded` was registered in code: it has no file in the worker entry.
const toolFiles = ['search', 'render', 'clock']
const context = { userId: 'u', jobId: 'j', threadId: null, step: 1 }

it('a build without a worker entry names every isolated tool at boot, and only those', () => {
  const { logger } = recordingLogger()
  const unavailable = createIsolationAvailability({ workerUrl: () => null, toolFiles, logger })
  expect(isolationBootWarnings(tools, config, unavailable)).toEqual([
    'isolated tools "search", "render", "coded" cannot run in an isolation worker on this server: this build has no worker entry (the server output is a single file, or the preset has no Node worker threads); their calls end with an error result and the catalog lists them unavailable',
  ])
})

it('a tool registered in code is named with its own reason; none when every isolated tool can run', () => {
  const { logger } = recordingLogger()
  const entry = pathToFileURL(new URL(import.meta.url).pathname).href
  const unavailable = createIsolationAvailability({ workerUrl: () => entry, toolFiles, logger })
  expect(isolationBootWarnings(tools, config, unavailable)).toEqual([
    'isolated tool "coded" cannot run in an isolation worker on this server: it was registered in code, not loaded from a server/tools file, so a worker cannot load it; its calls end with an error result and the catalog lists it unavailable',
  ])
  expect(isolationBootWarnings(tools.slice(0, 3), config, unavailable)).toEqual([])
})

it('a missing entry file is named at boot once, not again by the pool\'s first call', async () => {
  const { logger, lines } = recordingLogger()
  const entry = join(dir, 'tool-worker.mjs')
  const unavailable = createIsolationAvailability({ workerUrl: () => pathToFileURL(entry).href, toolFiles, logger })
  expect(isolationBootWarnings(tools.slice(0, 3), config, unavailable)).toEqual([
    'isolated tools "search", "render" cannot run in an isolation worker on this server: this server\'s build output lacks its worker entry (it was deployed without it); their calls end with an error result and the catalog lists them unavailable',
  ])
  const isolation = createToolIsolation({ workerUrl: () => pathToFileURL(entry).href, toolFiles, getConfig: () => config, logger, unavailable })
  try {
    await expect(isolation.run({ name: 'search', args: {}, context, timeoutMs: 5_000 }, new AbortController().signal)).rejects.toMatchObject({ name: 'IsolationUnavailableError' })
  }
  finally {
    await isolation.dispose()
  }
  expect(lines.filter(line => line.message.includes(entry))).toEqual([expect.objectContaining({ level: 'error' })])
})

it('the boot check waits for the entry\'s URL: Nitro sets it after the plugins ran, and a check at plugin time named a missing /chunks/… file in every production build', async () => {
  const { logger, lines } = recordingLogger()
  const entry = join(dir, 'present-tool-worker.mjs')
  writeFileSync(entry, '')
  // What `#background-jobs/tool-worker-url` reads: Nitro's stand-in until its entry's body runs.
  let entryUrl = 'file:///_entry.js'
  const workerUrl = () => new URL(basename(entry), entryUrl).href
  const unavailable = createIsolationAvailability({ workerUrl, toolFiles, logger })
  let deferred: (() => void) | undefined
  checkIsolationAfterEntry({ tools: () => tools.slice(0, 3), config, unavailable, logger, defer: (check) => { deferred = check } })
  // The entry's body: its URL is set, then the deferred check runs.
  entryUrl = pathToFileURL(join(dir, 'index.mjs')).href
  expect(lines).toEqual([])
  deferred!()
  expect(lines).toEqual([])
  expect(unavailable('search')).toBeNull()
  // By default it runs on the next turn of the event loop.
  const logged = recordingLogger()
  checkIsolationAfterEntry({ tools: () => tools.slice(0, 3), config, unavailable: createIsolationAvailability({ workerUrl: () => null, toolFiles, logger: logged.logger }), logger: logged.logger })
  expect(logged.lines).toEqual([])
  await new Promise(resolve => setImmediate(resolve))
  expect(logged.lines.map(line => line.level)).toEqual(['warn'])
})
