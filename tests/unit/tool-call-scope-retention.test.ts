/**
 * A tool call's async context (isolation/call-scope.ts) lives on in every timer, socket or
 * interval its code created — a cache refresh started on the first call, a pool's keep-alive —
 * for as long as they do. It must not keep the call's result with it: the scope's `fail` led to
 * the promise the call raced against, and through that race to the result, so one such timer kept
 * a call's whole result in the server's memory for the life of the process.
 * Deterministic: a full garbage collection (`gc`, exposed at run time), then a WeakRef.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, expect, it } from 'vitest'
import { z } from 'zod'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel } from '../support/step-model'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const timers: Array<ReturnType<typeof setInterval>> = []
afterEach(() => timers.splice(0).forEach(timer => clearInterval(timer)))

/** Runs one call of a tool whose result is held only weakly here; it may start a long-lived interval. */
async function callOnce(startsInterval: boolean): Promise<WeakRef<object>> {
  let result: WeakRef<object> | undefined
  const tool = defineTool({ name: 'rows', description: 'Rows', parameters: z.object({}), execute: () => {
    if (startsInterval) timers.push(setInterval(() => {}, 60_000))
    // Over the 4 KB an event keeps whole: the job's log holds a preview string, not this object.
    const rows = { rows: Array.from({ length: 5_000 }, (_, index) => index) }
    result = new WeakRef(rows)
    return rows
  } })
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [tool] })
  expect(await executeToolCall(fake.context, { id: 'c1', name: 'rows', args: {}, step: 1 })).toMatchObject({ status: 'completed' })
  return result!
}

async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let round = 0; round < 3; round++) {
    await new Promise(resolve => setImmediate(resolve))
    gc()
  }
  return ref.deref() === undefined
}

it.each([false, true])('a call\'s result is freed once the call ended (it started a long-lived interval: %s)', async (startsInterval) => {
  const ref = await callOnce(startsInterval)
  expect(await collected(ref)).toBe(true)
})
