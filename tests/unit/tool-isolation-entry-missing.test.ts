/**
 * A server output deployed without its worker entry (`chunks/background-jobs/tool-worker.mjs`: a
 * copy of `index.mjs` and a few chunks, a tracer that missed it) booted as if isolation worked:
 * the catalog listed every isolated tool available, and each call failed at run time with
 * `Tool "x" stopped its isolation worker: Cannot find module '/srv/…'`, blaming the tool and
 * showing a server path to the model and the user. Now the missing entry is found before any
 * worker starts: the tool is unavailable (the catalog says so), a call is not run and says why
 * without a path, and the operator gets one error line naming the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { toolAvailability } from '../../server/lib/catalog-availability'
import { createToolIsolation } from '../../server/lib/isolation/tool-pool'
import { ISOLATION_TEST_TOOLS } from '../support/isolation-tools'
import { recordingLogger } from '../support/recording-logger'

const dir = mkdtempSync(join(tmpdir(), 'bgjobs-isolation-entry-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const config = resolveConfig({ tools: { isolated: 'echo' } })
const echo = ISOLATION_TEST_TOOLS[0]!
const context = { userId: 'u', jobId: 'j', threadId: null, step: 1 }

it('an isolated tool whose build lost its worker entry is unavailable, its call is not run, and the operator is told once which file is missing', async () => {
  const entry = join(dir, 'tool-worker.mjs')
  const { logger, lines: logged } = recordingLogger()
  const isolation = createToolIsolation({ workerUrl: () => pathToFileURL(entry).href, toolFiles: ['echo'], getConfig: () => config, logger })
  try {
    expect(toolAvailability(echo, config, isolation).available).toBe(false)
    const call = isolation.run({ name: 'echo', args: {}, context, timeoutMs: 5_000 }, new AbortController().signal)
    await expect(call).rejects.toMatchObject({
      name: 'IsolationUnavailableError',
      message: 'Tool "echo" must run in an isolation worker, but this server\'s build output lacks its worker entry (it was deployed without it)',
    })
    expect(((await call.catch((error: unknown) => error)) as Error).message).not.toContain(dir)
    expect(isolation.stats()).toEqual({ workers: 0, calls: 0, waiting: 0 })
    const lines = logged.filter(line => line.message.includes(entry))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 'error' })
    // Put back (a redeploy): found again, without a restart.
    writeFileSync(entry, 'export default () => null\n')
    expect(toolAvailability(echo, config, isolation).available).toBe(true)
  }
  finally {
    await isolation.dispose()
  }
})
