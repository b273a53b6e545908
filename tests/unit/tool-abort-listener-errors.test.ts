/**
 * A throw from an abort listener an in-process tool added to its `signal` is one of that tool's
 * stray errors (docs/tool-isolation.md: "a throw from a timer or callback"): logged naming the tool and
 * the job, never handed to the process's listeners unnamed. The signal is aborted by the call's
 * time limit or the job's abort, code that is not the tool's; before the fix the listener ran in
 * that code's async context, so the error reached `uncaughtException` as an error of no tool
 * (Nitro's `[uncaughtException] Error: …`; with no listener, the end of the process).
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { defineTool } from '../../server/utils/define-tool'
import { trapStrayErrors } from '../support/stray-error-trap'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel } from '../support/step-model'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const stops: Array<() => void> = []

afterEach(() => {
  for (const stop of stops.splice(0).reverse()) stop()
})

/** A tool whose abort listener throws; it answers at once (`answer`) or never. */
const listenerTool = defineTool({
  name: 'listens',
  description: 'Adds an abort listener that throws.',
  parameters: z.object({ answer: z.boolean() }),
  execute: ({ answer }, { signal }) => {
    signal.addEventListener('abort', () => {
      throw new Error('listener threw')
    })
    return answer ? { answered: true } : new Promise(() => {})
  },
})

/** A fake run with the trap; what reaches the process's own listeners lands in `unnamed`. */
function trappedRun() {
  const { unnamed, logged } = trapStrayErrors(stops)
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [listenerTool] })
  const call = (answer: boolean) => executeToolCall(fake.context, { id: 'call-1', name: 'listens', args: { answer }, step: 1 })
  return { fake, unnamed, logged, call }
}

const after = 'tool "listens" raised an error from a callback or a promise left unhandled after its call had ended; it was ignored'

describe('a tool\'s abort listener that throws', () => {
  it('on the job\'s abort during its call: logged naming the tool and the job, not left to the process unnamed', async () => {
    const run = trappedRun()
    const calling = run.call(false)
    // Its `execute` has run (added its listener) and waits.
    await new Promise(resolve => setImmediate(resolve))
    run.fake.abort()
    await expect(calling).rejects.toThrow('Aborted by the user')
    // Node reports a listener's throw on the next tick.
    await new Promise(resolve => setImmediate(resolve))
    expect(run.unnamed).toEqual([])
    expect(run.logged).toEqual([{ message: expect.stringContaining(after), fields: { tool: 'listens', jobId: 'job-1', kind: 'uncaughtException', error: 'listener threw' } }])
  })

  it('on the job\'s abort after its call answered: the listener still runs (as before), and its throw is named', async () => {
    const run = trappedRun()
    expect(await run.call(true)).toMatchObject({ status: 'completed', result: { answered: true } })
    run.fake.abort()
    await new Promise(resolve => setImmediate(resolve))
    expect(run.unnamed).toEqual([])
    expect(run.logged).toEqual([{ message: expect.stringContaining(after), fields: { tool: 'listens', jobId: 'job-1', kind: 'uncaughtException', error: 'listener threw' } }])
  })

  it('a call whose tool left no listener on its signal leaves nothing on the run\'s signal: its signal is freed while the job goes on', async () => {
    const signals: Array<WeakRef<AbortSignal>> = []
    const quiet = defineTool({ name: 'quiet', description: 'Keeps a weak reference to its signal.', parameters: z.object({}), execute: (_args, { signal }) => {
      signals.push(new WeakRef(signal))
      return { ok: true }
    } })
    const fake = createFakeRunContext({ model: createStepModel([]), tools: [quiet] })
    for (const id of ['c1', 'c2']) expect(await executeToolCall(fake.context, { id, name: 'quiet', args: {}, step: 1 })).toMatchObject({ status: 'completed' })
    for (let round = 0; round < 3; round++) {
      await new Promise(resolve => setImmediate(resolve))
      gc()
    }
    expect(signals.map(signal => signal.deref() === undefined)).toEqual([true, true])
    // The job is still running.
    expect(fake.context.signal.aborted).toBe(false)
  })
})
