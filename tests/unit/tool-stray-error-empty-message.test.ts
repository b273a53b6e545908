/**
 * A stray error with no message (`throw new TypeError()` from a timer, `Promise.reject(new
 * Error())`, `throw ''`) left the log line's `error` empty: the line named the tool and the job but
 * not what was thrown. The call's own error says it since 6d2b2409 (`it threw a TypeError with no
 * message`); the stray error's line now says the same.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import type { Logger } from '../../server/lib/logger'
import { createMetrics } from '../../server/lib/metrics'
import { trapToolStrayErrors } from '../../server/lib/tools/stray-errors'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { useIsolationPools } from '../support/isolation-pools'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel } from '../support/step-model'

const stops: Array<() => void> = []

afterEach(() => {
  for (const stop of stops.splice(0).reverse()) stop()
})

describe('a stray error with no message', () => {
  it.each([
    ['a TypeError', () => new TypeError(), 'it threw a TypeError with no message'],
    ['an empty string', () => '', 'it threw an empty string'],
  ])('after the call answered (%s): the log line says what was thrown', async (_what, thrown, said) => {
    let release!: () => void
    const tool = defineTool({
      name: 'late',
      description: 'Answers, and rejects a promise nobody handles once released.',
      parameters: z.object({}),
      execute: () => {
        void new Promise<void>(resolve => (release = resolve)).then(() => {
          throw thrown()
        })
        return { answered: true }
      },
    })
    const logged: Array<{ message: string, fields?: Record<string, unknown> }> = []
    const logger: Logger = { info() {}, warn() {}, error: (message, fields) => logged.push({ message, fields }) }
    stops.push(trapToolStrayErrors({ logger, metrics: createMetrics() }))
    const fake = createFakeRunContext({ model: createStepModel([]), tools: [tool] })
    expect(await executeToolCall(fake.context, { id: 'call-1', name: 'late', args: {}, step: 1 })).toMatchObject({ status: 'completed' })
    release()
    // The rejection is reported once the microtasks of this turn are done.
    await new Promise(resolve => setImmediate(resolve))
    expect(logged).toEqual([{
      message: expect.stringContaining('tool "late" raised an error from a callback or a promise left unhandled after its call had ended; it was ignored'),
      fields: { tool: 'late', jobId: 'job-1', kind: 'unhandledRejection', error: said },
    }])
  })
})

describe('an isolated tool\'s stray error with no message', () => {
  const pools = useIsolationPools()

  it('after the call answered: the server\'s log line says what was thrown', async () => {
    const { logger, lines } = recordingLogger()
    const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 } }), logger)
    const context = { userId: 'u', jobId: 'job-empty', threadId: null, step: 1 }
    const { result } = await isolation.run({ name: 'stray_text', args: { text: '' }, context, timeoutMs: 60_000 }, new AbortController().signal)
    expect(result).toEqual({ answered: true })
    await expect.poll(() => lines.filter(line => line.fields?.tool === 'stray_text').length, { timeout: 10_000, interval: 5 }).toBe(1)
    expect(lines.find(line => line.fields?.tool === 'stray_text')?.fields).toMatchObject({ jobId: 'job-empty', error: 'it threw an Error with no message' })
  })
})
