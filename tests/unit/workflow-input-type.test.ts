/**
 * The type a node's functions see for `state.input` is the input as the job stores it (JSON), as
 * they read it at run time (run-workflow-job.ts). It used to be what the schema returned: with
 * `z.coerce.date()` the type said `Date`, so `state.input.on.getTime()` type-checked and then threw
 * "getTime is not a function" in the job, while `state.input.on.slice(0, 10)`, which works, did not
 * type-check. Checked by `tsc -p tests` (the expectTypeOf lines) and by running the workflow.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const remind = defineWorkflow({
  name: 'remind',
  description: 'reminds on a day',
  input: z.object({
    on: z.coerce.date(),
    times: z.array(z.object({ at: z.coerce.date(), note: z.string().optional() })),
    count: z.number(),
  }),
  nodes: {
    pick: {
      kind: 'branch',
      choose: (state) => {
        expectTypeOf(state.input.count).toEqualTypeOf<number>()
        return state.input.times.length > 0 ? 'done' : 'done'
      },
    },
    done: {
      kind: 'output',
      value: (state) => {
        expectTypeOf(state.input.on).toEqualTypeOf<string>()
        expectTypeOf(state.input.times[0]!.at).toEqualTypeOf<string>()
        expectTypeOf(state.input.times[0]!.note).toEqualTypeOf<string | undefined>()
        return `${state.input.on.slice(0, 10)} ${state.input.times.map(time => time.at.slice(11, 16)).join(',')}`
      },
    },
  },
  edges: [['pick', 'done']],
})

describe('the type of state.input in a workflow\'s node functions', () => {
  it('is the input as stored: a Date from z.coerce.date() is its ISO text, as the nodes read it', async () => {
    const run = startWorkflow(remind, { on: '2026-12-24', times: [{ at: '2026-12-24T09:30:00Z' }], count: 1 })
    await run.done
    expect(run.error()).toBeUndefined()
    expect(run.state().content).toBe('2026-12-24 09:30')
  })
})
