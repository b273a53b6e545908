/**
 * A tool's stray error (a promise it left rejected, a throw from its timer) is logged naming the
 * tool and the job, in one line. Its text is cut as the call's own error is
 * (`MAX_TOOL_ERROR_CHARS`): before the fix the whole message went into the line, in-process and
 * from an isolation worker (through the pool's fault channel). A message holding a response body
 * made a line of that size, and the logger's redaction (its URL pattern is quadratic on text like
 * `a.a.a.…`, s17/security) blocked the server's thread for it: measured here, the console logger
 * took 1.9 s on a 40,000-character message (the pattern alone about 10 s on 80,000), every job of
 * the instance frozen meanwhile; 23 ms on the cut text.
 */
import { afterEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { MAX_TOOL_ERROR_CHARS } from '../../server/lib/executor/tool-errors'
import type { Logger } from '../../server/lib/logger'
import { createMetrics } from '../../server/lib/metrics'
import { trapToolStrayErrors } from '../../server/lib/tools/stray-errors'
import { createFakeRunContext } from '../support/fake-run-context'
import { useIsolationPools } from '../support/isolation-pools'
import { ISOLATION_TEST_TOOLS } from '../support/isolation-tools'
import { createStepModel } from '../support/step-model'

const pools = useIsolationPools()
const stops: Array<() => void> = []

afterEach(() => {
  for (const stop of stops.splice(0).reverse()) stop()
})

/** What a cut keeps at most: the limit and its "… (N more characters cut)" notice. */
const MAX_LOGGED_CHARS = MAX_TOOL_ERROR_CHARS + 50
const CHARS = 200_000

it('in-process: the line carries the cut text, which says how much was cut', async () => {
  const logged: Array<{ message: string, fields?: Record<string, unknown> }> = []
  const logger: Logger = { info() {}, warn() {}, error: (message, fields) => logged.push({ message, fields }) }
  stops.push(trapToolStrayErrors({ logger, metrics: createMetrics() }))
  const fake = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS })
  expect(await executeToolCall(fake.context, { id: 'c1', name: 'stray_long', args: { chars: CHARS }, step: 1 })).toMatchObject({ status: 'completed' })
  await new Promise(resolve => setImmediate(resolve))
  await new Promise(resolve => setImmediate(resolve))
  expect(logged).toHaveLength(1)
  expect(logged[0]!.fields).toMatchObject({ tool: 'stray_long', kind: 'unhandledRejection' })
  const error = String(logged[0]!.fields!.error)
  expect(error.length).toBeLessThanOrEqual(MAX_LOGGED_CHARS)
  expect(error).toMatch(/^a\.a\.a\..*… \(\d+ more characters cut\)$/)
})

it('isolated: the worker\'s report is cut the same way', async () => {
  const config = resolveConfig({ tools: { isolated: 'stray_long' }, isolation: { maxWorkers: 1 }, limits: { toolTimeoutMs: 600_000 } })
  const logged: Array<{ message: string, fields?: Record<string, unknown> }> = []
  const logger: Logger = { info() {}, warn() {}, error: (message, fields) => logged.push({ message, fields }) }
  const withLogger = pools.run(config, logger)
  expect(await executeToolCall(withLogger.context, { id: 'c1', name: 'stray_long', args: { chars: CHARS }, step: 1 })).toMatchObject({ status: 'completed' })
  await expect.poll(() => logged.length).toBe(1)
  expect(logged[0]!.message).toContain('isolated tool "stray_long" raised an error after its call had ended')
  const error = String(logged[0]!.fields!.error)
  expect(error.length).toBeLessThanOrEqual(MAX_LOGGED_CHARS)
  expect(error).toMatch(/^a\.a\.a\..*… \(\d+ more characters cut\)$/)
})

it('in-process: a long message is read only as far as its cut and a margin before it is redacted, and a secret at the cut is still hidden', async () => {
  const logged: Array<{ message: string, fields?: Record<string, unknown> }> = []
  const logger: Logger = { info() {}, warn() {}, error: (message, fields) => logged.push({ message, fields }) }
  stops.push(trapToolStrayErrors({ logger, metrics: createMetrics() }))
  const fake = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS })
  // A URL whose password starts before the cut and whose `@host` comes after it.
  const secret = 'redis://user:s3cr3t-password@db.internal:6379'
  const prefix = 'x'.repeat(MAX_TOOL_ERROR_CHARS - 20)
  const replace = String.prototype.replace
  let read = 0
  const spy = vi.spyOn(String.prototype, 'replace').mockImplementation(function (this: string, ...parameters: Parameters<string['replace']>) {
    read += this.length
    return replace.apply(this, parameters as never)
  })
  try {
    expect(await executeToolCall(fake.context, { id: 'c1', name: 'stray_text', args: { text: `${prefix} ${secret} ${'y'.repeat(2_000_000)}` }, step: 1 })).toMatchObject({ status: 'completed' })
    await new Promise(resolve => setImmediate(resolve))
    await new Promise(resolve => setImmediate(resolve))
  }
  finally {
    spy.mockRestore()
  }
  expect(logged).toHaveLength(1)
  const error = String(logged[0]!.fields!.error)
  expect(error.length).toBeLessThanOrEqual(MAX_LOGGED_CHARS)
  expect(error).toMatch(/… \(\d+ more characters cut\)$/)
  expect(error).not.toContain('s3cr3t')
  // Every pattern reads the start only (a few dozen patterns × a few KB), not the 2 MB.
  expect(read).toBeLessThan(1_000_000)
})
