/**
 * Inside an isolation worker, a tool's `ctx.signal` is aborted by the worker's own timer at the
 * tool's time limit. A throw from an abort listener the tool added must be found as that call's
 * (its async context), as a throw from its other callbacks is: before the fix it ran in the timer's
 * context, so the worker reported it as an error of no known call after its call had ended
 * (`isolated tool (unknown) raised an error after its call had ended…`), although the tool is
 * known. Now the call ends (timeout) at its time limit, then its signal is aborted in its scope:
 * the throw is reported naming the tool, as after its call's end. Run here in the test's thread with fake timers: the server's
 * trap (stray-errors.ts) finds the scope the same way the worker's trap does (`currentCallScope`).
 */
import { afterEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createToolWorker } from '../../server/lib/isolation/worker-runtime'
import { defineTool } from '../../server/utils/define-tool'
import { trapStrayErrors } from '../support/stray-error-trap'

const stops: Array<() => void> = []

afterEach(() => {
  for (const stop of stops.splice(0).reverse()) stop()
  vi.useRealTimers()
})

/** Honours its signal (it answers when it fires), after a listener of its own that throws. */
const listens = defineTool({
  name: 'listens',
  description: 'An abort listener that throws, then one that ends the call.',
  parameters: z.object({}),
  execute: (_args, { signal }) => {
    signal.addEventListener('abort', () => {
      throw new Error('listener threw')
    })
    return new Promise(resolve => signal.addEventListener('abort', () => resolve({ stopped: true })))
  },
})

it('a throw from the tool\'s abort listener at the worker\'s time limit is found as its call\'s; the call ends timeout', async () => {
  const { unnamed, logged } = trapStrayErrors(stops)
  vi.useFakeTimers()
  const runTask = createToolWorker([async () => ({ default: listens })])
  const answer = runTask({ file: 0, name: 'listens', args: {}, context: { userId: 'u', jobId: 'j', threadId: null, step: 1 }, timeoutMs: 200 })
  await vi.advanceTimersByTimeAsync(200)
  expect(await answer).toEqual({ ok: false, kind: 'timeout' })
  await vi.advanceTimersByTimeAsync(0)
  expect(unnamed).toEqual([])
  expect(logged).toEqual([{ message: expect.stringContaining('tool "listens" raised an error from a callback or a promise left unhandled after its call had ended'), fields: { tool: 'listens', jobId: 'j', kind: 'uncaughtException', error: 'listener threw' } }])
})
