/**
 * Stray errors of in-process tools (a throw in a timer the tool started, a promise it rejected
 * and left unhandled): taken from the process before any listener sees them, logged naming the
 * tool and the job, counted, and never a crash. Errors of no tool reach the process's listeners
 * unchanged. Without the trap these tests see the errors as unhandled (Vitest fails the run) and
 * no log line.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import type { Logger } from '../../server/lib/logger'
import { createMetrics } from '../../server/lib/metrics'
import { trapToolStrayErrors } from '../../server/lib/tools/stray-errors'
import { createFakeRunContext } from '../support/fake-run-context'
import { ISOLATION_TEST_TOOLS } from '../support/isolation-tools'
import { createStepModel } from '../support/step-model'
import { defineTool } from '../../server/utils/define-tool'

const stops: Array<() => void> = []

afterEach(() => {
  for (const stop of stops.splice(0).reverse()) stop()
})

/** A tool that ignores its signal and never answers; its code rejects a promise nobody handles when `release` is called. */
function ignoresSignal() {
  let release!: () => void
  const tool = defineTool({
    name: 'deaf',
    description: 'Never answers, ignoring its signal; fails later, from a promise chain it started.',
    parameters: z.object({}),
    timeoutMs: 1,
    execute: () => {
      void new Promise<void>(resolve => (release = resolve)).then(() => {
        throw new Error('late failure')
      })
      return new Promise(() => {})
    },
  })
  return { tool, release: () => release() }
}

/** A fake run with in-process tools, and a trap that logs into `logged` and counts into `metrics`. */
function trappedRun(extra: Parameters<typeof createFakeRunContext>[0]['tools'] = []) {
  const logged: Array<{ message: string, fields?: Record<string, unknown> }> = []
  const logger: Logger = { info() {}, warn() {}, error: (message, fields) => logged.push({ message, fields }) }
  const metrics = createMetrics()
  const captured: unknown[] = []
  stops.push(trapToolStrayErrors({ logger, metrics, capture: error => captured.push(error) }))
  // Every thrown message shown: the tests read which error the call failed with.
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [...ISOLATION_TEST_TOOLS, ...extra], config: { tools: { errorMessages: 'all' } } })
  let calls = 0
  const call = (name: string, args: unknown = {}) => executeToolCall(fake.context, { id: `call-${++calls}`, name, args, step: 1 })
  return { logged, metrics, captured, call }
}

describe('stray errors of in-process tools', () => {
  it.each(['throw', 'reject'] as const)('a stray %s while the call runs fails that call at once and is logged naming the tool and job', async (how) => {
    const run = trappedRun()
    const outcome = await run.call('stray', { how, when: 'during' })
    const thrown = how === 'throw' ? 'stray throw of during' : 'stray rejection of during'
    const kind = how === 'throw' ? 'uncaughtException' : 'unhandledRejection'
    expect(outcome).toMatchObject({ status: 'error', error: `Tool "stray" failed: ${thrown}` })
    expect(run.logged).toEqual([{
      message: expect.stringContaining('tool "stray" raised an error from a callback or a promise left unhandled while its call ran'),
      fields: { tool: 'stray', jobId: 'job-1', kind, error: thrown },
    }])
    expect(run.metrics.snapshot().counters).toMatchObject({ [`tool_stray_errors_total{kind="${kind}",tool="stray"}`]: 1 })
    expect(run.captured).toHaveLength(1)
  })

  it.each(['throw', 'reject'] as const)('a stray %s after the call answered is logged and ignored; the next call is not blamed', async (how) => {
    const run = trappedRun()
    expect(await run.call('stray', { how, when: 'after' })).toMatchObject({ status: 'completed', result: { answered: true } })
    // `arm_stray` lets the timer fire, and answers one event-loop turn after it has.
    expect(await run.call('arm_stray')).toMatchObject({ status: 'completed', result: { armed: true } })
    const thrown = how === 'throw' ? 'stray throw of after' : 'stray rejection of after'
    const kind = how === 'throw' ? 'uncaughtException' : 'unhandledRejection'
    expect(run.logged).toEqual([{
      message: expect.stringContaining('tool "stray" raised an error from a callback or a promise left unhandled after its call had ended; it was ignored'),
      fields: { tool: 'stray', jobId: 'job-1', kind, error: thrown },
    }])
    expect(run.metrics.snapshot().counters[`tool_stray_errors_total{kind="${kind}",tool="stray"}`]).toBe(1)
  })

  it('a stray error of a call that already ended by its time limit (it ignored its signal) is logged as after the call, not as failing it', async () => {
    const deaf = ignoresSignal()
    const run = trappedRun([deaf.tool])
    expect(await run.call('deaf')).toMatchObject({ status: 'timeout' })
    deaf.release()
    // The rejection is reported once the microtasks of this turn are done.
    await new Promise(resolve => setImmediate(resolve))
    expect(run.logged).toEqual([{
      message: expect.stringContaining('tool "deaf" raised an error from a callback or a promise left unhandled after its call had ended; it was ignored'),
      fields: { tool: 'deaf', jobId: 'job-1', kind: 'unhandledRejection', error: 'late failure' },
    }])
  })

  it('errors of no tool call go to the process listeners unchanged; stopping the trap restores process.emit', () => {
    const emit = vi.fn(() => false)
    const real = process.emit
    process.emit = emit as unknown as typeof process.emit
    try {
      const logged: unknown[] = []
      const stop = trapToolStrayErrors({ logger: { info() {}, warn() {}, error: (...args) => logged.push(args) }, metrics: createMetrics() })
      const error = new Error('not a tool')
      expect((process.emit as (...args: unknown[]) => boolean)('uncaughtException', error, 'uncaughtException')).toBe(false)
      expect(emit).toHaveBeenCalledWith('uncaughtException', error, 'uncaughtException')
      expect(logged).toEqual([])
      stop()
      expect(process.emit).toBe(emit)
    }
    finally {
      process.emit = real
    }
  })
})
