/**
 * A tool's `needsApproval` function is the tool's code and runs like `execute`
 * (tool-approval.ts): its stray errors (a promise it rejected and left unhandled, a throw from a
 * timer it started) are the tool's, logged naming the tool and the job, never handed to the
 * process unnamed (Nitro's `[uncaughtException] …`; with no listener, the end of the process).
 * One raised while the check runs fails the check, which counts as "ask" (failing closed, as a
 * check that throws does). Before the fix the check ran outside any call scope.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { defineTool } from '../../server/utils/define-tool'
import { trapStrayErrors } from '../support/stray-error-trap'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel } from '../support/step-model'

const stops: Array<() => void> = []

afterEach(() => {
  for (const stop of stops.splice(0).reverse()) stop()
})

/**
 * A tool whose approval check leaves a stray rejection, then answers "no approval needed": at once
 * (`answer`), or a turn of the event loop later (after Node has reported the rejection).
 */
const strayCheck = defineTool({
  name: 'checked',
  description: 'Its approval check leaves an unhandled rejection.',
  parameters: z.object({ answer: z.boolean() }),
  timeoutMs: 60_000,
  needsApproval: ({ answer }) => {
    void Promise.reject(new Error('stray in the check'))
    return answer ? false : new Promise<boolean>(resolve => setImmediate(() => resolve(false)))
  },
  execute: () => ({ ran: true }),
})

/** A fake run with the trap; what reaches the process's own listeners lands in `unnamed`. */
function trappedRun() {
  const { unnamed, logged } = trapStrayErrors(stops)
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [strayCheck] })
  const call = (answer: boolean) => executeToolCall(fake.context, { id: 'call-1', name: 'checked', args: { answer }, step: 1 })
  return { fake, unnamed, logged, call }
}

const fields = { tool: 'checked', jobId: 'job-1', kind: 'unhandledRejection', error: 'stray in the check' }

describe('a stray error of a tool\'s needsApproval function', () => {
  it('raised while the check runs: named, and the check fails closed (a human is asked)', async () => {
    const run = trappedRun()
    const asked = run.fake.nextInputRequest()
    const calling = run.call(false)
    const first = await Promise.race([asked.then(requestId => ({ requestId })), calling.then(outcome => ({ outcome }))])
    expect(first).toHaveProperty('requestId')
    run.fake.answer((first as { requestId: string }).requestId, { approved: true })
    expect(await calling).toMatchObject({ status: 'completed', result: { ran: true } })
    expect(run.unnamed).toEqual([])
    expect(run.logged).toEqual([{ message: expect.stringContaining('tool "checked" raised an error from a callback or a promise left unhandled'), fields }])
  })

  it('raised by a check that answered: named, and the call runs unasked', async () => {
    const run = trappedRun()
    expect(await run.call(true)).toMatchObject({ status: 'completed', result: { ran: true } })
    await new Promise(resolve => setImmediate(resolve))
    expect(run.fake.eventsOf('input-request')).toEqual([])
    expect(run.unnamed).toEqual([])
    expect(run.logged).toEqual([{ message: expect.stringContaining('tool "checked" raised an error from a callback or a promise left unhandled'), fields }])
  })
})
