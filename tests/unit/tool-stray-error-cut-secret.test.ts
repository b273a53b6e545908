/**
 * A tool's stray error is logged with its text cut to `MAX_TOOL_ERROR_CHARS`. The cut came before
 * the logger's redaction, so a URL whose password the cut split (`redis://app:hunter2…` with its
 * `@host` cut off) no longer looked like user info and its password's start was written as it
 * was — what the logger's own cut, after redaction (log-cut.ts), was made to prevent. The text is
 * now redacted before it is cut.
 */
import { afterEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { MAX_TOOL_ERROR_CHARS } from '../../server/lib/executor/tool-errors'
import { createConsoleLogger } from '../../server/lib/logger'
import { createMetrics } from '../../server/lib/metrics'
import { trapToolStrayErrors } from '../../server/lib/tools/stray-errors'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { useIsolationPools } from '../support/isolation-pools'
import { createStepModel } from '../support/step-model'

const PASSWORD = 'hunter2hunter2hunter2'
/** The cut falls inside the password: 10 of its characters are kept, its `@host` is not. */
const MESSAGE = `${'x'.repeat(MAX_TOOL_ERROR_CHARS - 'redis://app:'.length - 11)} redis://app:${PASSWORD}@cache.internal:6379 refused the connection`

const leaky = defineTool({
  name: 'leaky',
  description: 'Answers, then rejects a promise nobody handles with a long error naming a URL with a password.',
  parameters: z.object({}),
  execute: () => {
    setImmediate(() => void Promise.reject(new Error(MESSAGE)))
    return { answered: true }
  },
})

const pools = useIsolationPools()
const stops: Array<() => void> = []
afterEach(() => {
  for (const stop of stops.splice(0).reverse()) stop()
  vi.restoreAllMocks()
})

/** The `error` field of a logged line, checked to be redacted and cut. */
function expectRedactedAndCut(line: string): void {
  const error = String((JSON.parse(line) as { error: unknown }).error)
  expect(error).toMatch(/more characters cut\)$/)
  expect(error).not.toContain(PASSWORD.slice(0, 7))
  expect(error).toContain('redis://app:[redacted]')
}

it('in-process: a password the cut would split is redacted, not written in part', async () => {
  const lines: string[] = []
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
  stops.push(trapToolStrayErrors({ logger: createConsoleLogger(), metrics: createMetrics() }))
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [leaky] })
  expect(await executeToolCall(fake.context, { id: 'c1', name: 'leaky', args: {}, step: 1 })).toMatchObject({ status: 'completed' })
  await new Promise(resolve => setImmediate(resolve))
  await new Promise(resolve => setImmediate(resolve))
  expect(lines).toHaveLength(1)
  expectRedactedAndCut(lines[0]!)
})

it('isolated: the worker\'s report is redacted before it is cut too', async () => {
  const lines: string[] = []
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
  const config = resolveConfig({ tools: { isolated: 'stray_text' }, isolation: { maxWorkers: 1 }, limits: { toolTimeoutMs: 600_000 } })
  const withLogger = pools.run(config, createConsoleLogger())
  expect(await executeToolCall(withLogger.context, { id: 'c1', name: 'stray_text', args: { text: MESSAGE }, step: 1 })).toMatchObject({ status: 'completed' })
  await expect.poll(() => lines.length).toBe(1)
  expectRedactedAndCut(lines[0]!)
})
