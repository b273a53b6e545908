/**
 * A loop with a cap reads its round from `state.visits` (docs/workflows.md: every node has a count,
 * 0 until it first runs). Its type was `Record<string, number>`, so in a Nuxt app — whose server
 * tsconfig sets `noUncheckedIndexedAccess`, as tests/tsconfig.json does — `state.visits.review >= 2`
 * failed `nuxt typecheck` (TS18048, possibly undefined) and a misspelt node id type-checked.
 * defineWorkflow now infers the node ids from `nodes`: each visit count is a number, and a name that
 * is no node is a type error. Checked by `tsc -p tests` (the expectTypeOf lines) and by running it.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const rounds: number[] = []

const capped = defineWorkflow({
  name: 'capped',
  description: 'drafts until approved, three rounds at most',
  input: z.object({ topic: z.string() }),
  nodes: {
    draft: { kind: 'output', value: state => `draft ${state.visits.draft} of ${state.input.topic}` },
    review: {
      kind: 'branch',
      choose: (state) => {
        expectTypeOf(state.visits.review).toEqualTypeOf<number>()
        // @ts-expect-error -- not a node of this workflow
        void state.visits.reveiw
        rounds.push(state.visits.done)
        return state.visits.review >= 3 ? 'done' : 'draft'
      },
    },
    done: { kind: 'output', value: state => `rounds: ${state.visits.review}` },
  },
  edges: [['draft', 'review'], ['review', 'draft'], ['review', 'done']],
})

/** A node an app adds on a condition stays allowed (an optional key of the inferred ids). */
function withAudit(audit: boolean) {
  return defineWorkflow({
    name: 'audited',
    description: 'audits when asked to',
    input: z.object({}),
    nodes: {
      ...(audit ? { audit: { kind: 'output' as const, value: 'audited' } } : {}),
      done: { kind: 'output', value: 'done' },
    },
    edges: audit ? [['audit', 'done']] : [],
  })
}

describe('state.visits in a workflow\'s node functions', () => {
  it('is a number for each node, 0 until the node first runs', async () => {
    rounds.length = 0
    const run = startWorkflow(capped, { topic: 'tides' })
    await run.done
    expect(run.error()).toBeUndefined()
    expect(rounds).toEqual([0, 0, 0])
    expect(run.state().content).toBe('draft 1 of tides\n\ndraft 2 of tides\n\ndraft 3 of tides\n\nrounds: 3')
  })

  it('allows a node left out on a condition', async () => {
    const run = startWorkflow(withAudit(false), {})
    await run.done
    expect(run.state().content).toBe('done')
  })
})
