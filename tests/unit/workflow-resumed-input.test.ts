/**
 * A workflow job's nodes read the same input whether the run is the first one or one resumed on
 * another instance: the input as stored (JSON), as they read outputs. Before, a recovering
 * instance ran the job with its stored input parsed a second time: the input is stored as the
 * schema returned it, so a transform that keeps the shape (dollars to cents) applied twice and the
 * resumed nodes read 25000 cents for 2.50. And the first run read the value the schema returned
 * (a Date from `z.coerce.date()`) where a resumed one read it from the store.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { checkStoredRequest } from '../../server/lib/stored-request'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const pay = defineWorkflow({
  name: 'pay',
  description: 'pays an amount given in dollars',
  input: z.object({ cents: z.number().transform(dollars => Math.round(dollars * 100)) }),
  nodes: { done: { kind: 'output', value: 'paying {{input.cents}} cents' } },
  edges: [],
})

const remind = defineWorkflow({
  name: 'remind',
  description: 'reminds on a day',
  input: z.object({ on: z.coerce.date() }),
  nodes: { done: { kind: 'output', value: state => `${typeof state.input.on} ${String(state.input.on)}` } },
  edges: [],
})

describe('the input a workflow job\'s nodes read', () => {
  it('a resumed run gets the input as stored, not parsed a second time', () => {
    const context = { config: resolveConfig({}), tools: createToolRegistry([]), workflows: createWorkflowRegistry([pay]) }
    expect(context.workflows.get('pay')!.parseInput({ cents: 2.5 })).toEqual({ cents: 250 })
    const stored = { type: 'workflow', workflow: 'pay', input: { cents: 250 } }
    expect(checkStoredRequest(stored, context)).toEqual({ ok: true, request: { type: 'workflow', workflow: 'pay', input: { cents: 250 } } })
  })

  it('the first run reads it as stored too (a Date as its ISO text), as a resumed run does', async () => {
    const first = startWorkflow(remind, { on: '2026-12-24' })
    await first.done
    expect(first.error()).toBeUndefined()
    expect(first.state().content).toBe('string 2026-12-24T00:00:00.000Z')
  })
})
