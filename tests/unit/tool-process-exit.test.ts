/**
 * `process.exit()` in an in-process tool's code (a tool file written as a script, a library that
 * exits on a fatal error) ended the server and every job of the instance; an isolation worker
 * already refused it. Now the server's thread refuses it too: the call asking fails at once (also
 * from its timers), after its call it is a stray error of that tool, and an exit of no tool's code
 * goes through as before. The process's exits are stood in for by spies (the real ones would end
 * the test run).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { guardToolProcessExit } from '../../server/lib/tools/exit-guard'
import { defineTool } from '../../server/utils/define-tool'
import { JobFailure } from '../../server/lib/run-context'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel } from '../support/step-model'
import { trapStrayErrors } from '../support/stray-error-trap'
import { startWorkflow } from '../support/workflow-fake-context'

type Via = 'exit' | 'abort' | 'reallyExit'
type When = 'now' | 'timer' | 'after'

const internal = process as unknown as { reallyExit: (code?: number) => void }
const real = { exit: process.exit, abort: process.abort, reallyExit: internal.reallyExit }
const spies = { exit: vi.fn(), abort: vi.fn(), reallyExit: vi.fn() }
const stops: Array<() => void> = []

beforeEach(() => {
  for (const spy of Object.values(spies)) spy.mockReset()
  process.exit = spies.exit as unknown as typeof process.exit
  process.abort = spies.abort as unknown as typeof process.abort
  internal.reallyExit = spies.reallyExit
  stops.push(() => {
    process.exit = real.exit
    process.abort = real.abort
    internal.reallyExit = real.reallyExit
  })
})

afterEach(() => {
  for (const stop of stops.splice(0).reverse()) stop()
})

const ask = (via: Via) => via === 'abort' ? process.abort() : via === 'exit' ? process.exit(3) : internal.reallyExit(3)

/** Asks the process to end: at once, from a timer while the call waits, or from a timer after it answered. */
const exitTool = defineTool({
  name: 'exits',
  description: 'Asks the process to end.',
  parameters: z.object({ via: z.enum(['exit', 'abort', 'reallyExit']), when: z.enum(['now', 'timer', 'after']) }),
  timeoutMs: 60_000,
  execute: ({ via, when }) => {
    if (when === 'now') ask(via)
    setTimeout(() => ask(via), 0)
    return when === 'after' ? { answered: true } : new Promise<never>(() => {})
  },
})

/** A guarded run with the stray error trap, as the server plugin installs both. */
function guardedRun() {
  const trapped = trapStrayErrors(stops)
  stops.push(guardToolProcessExit())
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [exitTool], config: { tools: { errorMessages: 'all' } } })
  const call = (via: Via, when: When) => executeToolCall(fake.context, { id: `call-${via}-${when}`, name: 'exits', args: { via, when }, step: 1 })
  return { ...trapped, call }
}

const SHOWN: Record<Via, string> = { exit: 'process.exit(3)', abort: 'process.abort()', reallyExit: 'process.reallyExit(3)' }

describe('process.exit() in an in-process tool', () => {
  it.each(['exit', 'abort', 'reallyExit'] as const)('process.%s in execute: the call fails at once saying so, the process is not ended', async (via) => {
    const run = guardedRun()
    const outcome = await run.call(via, 'now')
    expect(outcome).toMatchObject({ status: 'error', error: `Tool "exits" failed: ${SHOWN[via]} is not allowed in a tool: it would end the server and every job on it; throw an error instead` })
    expect(spies[via]).not.toHaveBeenCalled()
    expect(spies.reallyExit).not.toHaveBeenCalled()
  })

  it('from a timer while its call waits: that call fails at once (not at its time limit)', async () => {
    const run = guardedRun()
    const outcome = await run.call('exit', 'timer')
    expect(outcome).toMatchObject({ status: 'error', error: expect.stringContaining('process.exit(3) is not allowed in a tool') })
    expect(spies.exit).not.toHaveBeenCalled()
    expect(run.unnamed).toEqual([])
  })

  it('from a timer after its call answered: the answer stands, the exit is a stray error of the tool, the process goes on', async () => {
    const run = guardedRun()
    expect(await run.call('exit', 'after')).toMatchObject({ status: 'completed', result: { answered: true } })
    await vi.waitFor(() => expect(run.logged).toHaveLength(1))
    expect(run.logged[0]).toMatchObject({
      message: 'tool "exits" raised an error from a callback or a promise left unhandled after its call had ended; it was ignored',
      fields: { tool: 'exits', jobId: 'job-1', error: expect.stringContaining('process.exit(3) is not allowed in a tool') },
    })
    expect(spies.exit).not.toHaveBeenCalled()
    expect(run.unnamed).toEqual([])
  })

  it('an exit of no tool\'s code goes through; undone, the process\'s own exits are back', () => {
    const undo = guardToolProcessExit()
    process.exit(0)
    expect(spies.exit).toHaveBeenCalledWith(0)
    undo()
    expect(process.exit).toBe(spies.exit)
    expect(process.abort).toBe(spies.abort)
    expect(internal.reallyExit).toBe(spies.reallyExit)
  })
})

describe('process.exit() in a workflow node\'s function', () => {
  it('fails that node saying so; the process is not ended', async () => {
    trapStrayErrors(stops)
    stops.push(guardToolProcessExit())
    const definition = {
      name: 'exit-flow',
      description: 't',
      input: z.object({}),
      nodes: {
        pick: { kind: 'branch', choose: () => process.exit(2) },
        done: { kind: 'output', value: 'never' },
      },
      edges: [['pick', 'done']],
    }
    const job = startWorkflow(definition, {})
    await job.done
    expect(job.error()).toBeInstanceOf(JobFailure)
    expect(job.error()).toMatchObject({ code: 'node-failed', message: 'Node "pick" failed: process.exit(2) is not allowed in a workflow node\'s function: it would end the server and every job on it; throw an error instead' })
    expect(spies.exit).not.toHaveBeenCalled()
  })
})
