/**
 * An in-process tool that left timers throwing after its call (an interval per call, every
 * millisecond) had each error logged and handed to the app's error reporting: measured, 20 such
 * intervals wrote about 9,000 lines (2.4 MB) a second for as long as the process lived. The lines
 * are now limited as an isolation worker's reports are: 10 a second one by one, the rest counted
 * by tool, job and kind, one line each when the second ends (or when the trap stops). Every error
 * is still counted in `tool_stray_errors_total`. The errors are raised through the trap as Node
 * raises them (`process.emit`), from code bound to the tool's call (its async context).
 */
import { AsyncResource } from 'node:async_hooks'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { STRAY_REPORTS_PER_WINDOW, STRAY_REPORT_WINDOW_MS } from '../../server/lib/isolation/stray-report-limit'
import type { Logger } from '../../server/lib/logger'
import { createMetrics } from '../../server/lib/metrics'
import { trapToolStrayErrors } from '../../server/lib/tools/stray-errors'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel } from '../support/step-model'

const stops: Array<() => void> = []

afterEach(() => {
  for (const stop of stops.splice(0).reverse()) stop()
  vi.useRealTimers()
})

/** Runs a call of a tool that answers and leaves behind a function raising a stray error as code of its call. */
async function leftBehind() {
  let raise = (_index: number) => {}
  const tool = defineTool({
    name: 'leaky',
    description: 'Leaves a throwing timer behind.',
    parameters: z.object({}),
    execute: () => {
      raise = AsyncResource.bind((index: number) => {
        // As Node does for a throw in a timer (the typings list only the listeners' overloads).
        const emit = process.emit as (name: string, ...args: unknown[]) => boolean
        emit.call(process, 'uncaughtException', new Error(`interval left behind, tick ${index}`), 'uncaughtException')
      })
      return { answered: true }
    },
  })
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [tool] })
  expect(await executeToolCall(fake.context, { id: 'call-1', name: 'leaky', args: {}, step: 1 })).toMatchObject({ status: 'completed' })
  return (count: number, from = 0) => {
    for (let index = from; index < from + count; index++) raise(index)
  }
}

function trap() {
  const logged: Array<{ message: string, fields?: Record<string, unknown> }> = []
  const logger: Logger = { info() {}, warn() {}, error: (message, fields) => logged.push({ message, fields }) }
  const metrics = createMetrics()
  const captured: unknown[] = []
  const stop = trapToolStrayErrors({ logger, metrics, capture: error => captured.push(error) })
  stops.push(stop)
  return { logged, metrics, captured, stop }
}

const ONE = 'tool "leaky" raised an error from a callback or a promise left unhandled after its call had ended; it was ignored'

describe('stray errors of an in-process tool, many a second', () => {
  it('10 a second are logged and captured one by one, the rest told in one line when the second ends; every one is counted', async () => {
    vi.useFakeTimers()
    const trapped = trap()
    const raise = await leftBehind()
    raise(25)
    expect(trapped.logged).toHaveLength(STRAY_REPORTS_PER_WINDOW)
    expect(trapped.logged.every(line => line.message === ONE)).toBe(true)
    expect(trapped.logged[0]!.fields).toMatchObject({ tool: 'leaky', jobId: 'job-1', kind: 'uncaughtException', error: 'interval left behind, tick 0' })
    expect(trapped.captured).toHaveLength(STRAY_REPORTS_PER_WINDOW)
    expect(trapped.metrics.snapshot().counters['tool_stray_errors_total{kind="uncaughtException",tool="leaky"}']).toBe(25)
    vi.advanceTimersByTime(STRAY_REPORT_WINDOW_MS)
    expect(trapped.logged).toHaveLength(STRAY_REPORTS_PER_WINDOW + 1)
    expect(trapped.logged.at(-1)).toEqual({
      message: 'tool "leaky" raised 15 more errors from a callback or a promise left unhandled after its call had ended (over 10 a second, so not logged one by one; the last is shown); they were ignored',
      fields: { tool: 'leaky', jobId: 'job-1', kind: 'uncaughtException', error: 'interval left behind, tick 24', suppressed: 15 },
    })
    // A new second: logged one by one again.
    raise(1, 25)
    expect(trapped.logged.at(-1)).toMatchObject({ message: ONE, fields: { error: 'interval left behind, tick 25' } })
  })

  it('what was counted when the trap stops (the server closes) is still told', async () => {
    vi.useFakeTimers()
    const trapped = trap()
    const raise = await leftBehind()
    raise(12)
    trapped.stop()
    expect(trapped.logged.at(-1)).toMatchObject({ fields: { tool: 'leaky', suppressed: 2, error: 'interval left behind, tick 11' } })
  })
})
