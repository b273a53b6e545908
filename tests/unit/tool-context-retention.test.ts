/**
 * A tool that keeps its `ctx` after its call — an interval that reports progress until something
 * that never comes, a promise that never settles and ignores its signal, a cache of contexts — must
 * not keep its job's run with it. `ctx.progress` led to the run (its events, its state, its model
 * client), so each such call kept its whole job in the server's memory for the life of the process.
 * Once the call ended, `ctx.progress` lets go of the run (its updates were ignored already).
 * Deterministic: a full garbage collection (`gc`, exposed at run time), then a WeakRef.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, expect, it } from 'vitest'
import { z } from 'zod'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import type { ToolContext } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel } from '../support/step-model'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** The contexts the tool kept, as a forgotten interval would. */
const kept: ToolContext[] = []
afterEach(() => {
  kept.length = 0
})

const keeper = defineTool({
  name: 'keeper',
  description: 'Keeps its ctx after its call.',
  parameters: z.object({ hang: z.boolean() }),
  timeoutMs: 50,
  execute: ({ hang }, ctx) => {
    kept.push(ctx)
    return hang ? new Promise<never>(() => {}) : { answered: true }
  },
})

/** Runs one call in a run held only weakly here. */
async function callOnce(hang: boolean): Promise<WeakRef<object>> {
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [keeper] })
  expect(await executeToolCall(fake.context, { id: 'c1', name: 'keeper', args: { hang }, step: 1 })).toMatchObject({ status: hang ? 'timeout' : 'completed' })
  return new WeakRef(fake.context)
}

async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let round = 0; round < 3; round++) {
    await new Promise(resolve => setImmediate(resolve))
    gc()
  }
  return ref.deref() === undefined
}

it.each([false, true])('a job\'s run is freed once the call ended, although the tool kept its ctx (it hung past its time limit: %s)', async (hang) => {
  const ref = await callOnce(hang)
  expect(await collected(ref)).toBe(true)
  // What it kept still works, and does nothing.
  expect(() => kept[0]!.progress('still here')).not.toThrow()
  expect(kept[0]!.jobId).toBe('job-1')
})
