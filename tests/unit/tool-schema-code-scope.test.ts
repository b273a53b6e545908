/**
 * A tool's `parameters` schema is its own code, run in the server's thread for an in-process tool:
 * a refine or transform that leaves a timer throwing, or asks the process to exit, is that tool's
 * as `execute` is. Before, the schema ran as code of no call: its stray error reached the process
 * unnamed (Nitro's `[uncaughtException]` line), and its `process.exit()` ended the server.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { guardToolProcessExit } from '../../server/lib/tools/exit-guard'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel } from '../support/step-model'
import { trapStrayErrors } from '../support/stray-error-trap'

const stops: Array<() => void> = []
afterEach(() => {
  for (const stop of stops.splice(0).reverse()) stop()
})

/** A tool whose schema leaves a throwing timer behind, or exits. */
const checked = defineTool({
  name: 'checked',
  description: 'Its schema misbehaves.',
  parameters: z.object({ how: z.enum(['timer', 'exit']) }).refine(({ how }) => {
    if (how === 'exit') process.exit(5)
    setTimeout(() => {
      throw new Error('left behind by the refine')
    }, 0)
    return true
  }),
  execute: () => ({ ran: true }),
})

function run() {
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [checked] })
  return (how: 'timer' | 'exit') => executeToolCall(fake.context, { id: `call-${how}`, name: 'checked', args: { how }, step: 1 })
}

describe('a tool\'s parameters schema is code of its call', () => {
  it('a timer its refine left throwing: logged naming the tool and the job, not left to the process unnamed', async () => {
    const trapped = trapStrayErrors(stops)
    expect(await run()('timer')).toMatchObject({ status: 'completed', result: { ran: true } })
    await vi.waitFor(() => expect(trapped.logged).toHaveLength(1))
    expect(trapped.logged[0]).toMatchObject({ message: expect.stringContaining('tool "checked" raised an error from a callback'), fields: { tool: 'checked', jobId: 'job-1', error: 'left behind by the refine' } })
    expect(trapped.unnamed).toEqual([])
  })

  it('process.exit() in its refine: refused, the call fails as a schema that threw, the process is not ended', async () => {
    const real = process.exit
    const exit = vi.fn()
    process.exit = exit as unknown as typeof process.exit
    stops.push(() => {
      process.exit = real
    })
    trapStrayErrors(stops)
    stops.push(guardToolProcessExit())
    expect(await run()('exit')).toMatchObject({ status: 'error', error: expect.stringContaining('Tool "checked" failed') })
    expect(exit).not.toHaveBeenCalled()
  })
})
