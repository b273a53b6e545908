/**
 * An input node whose prompt is blank asked the person nothing: `prompt: ' '` booted, and a
 * prompt function (or a template of an optional field the start left out) that gave '' put the
 * job in `waiting` on an `input-request` with an empty question. A blank written prompt now stops
 * the boot naming the node; one that comes out blank at run time fails the node naming the problem
 * before anyone is asked.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const asking = (name: string, prompt: unknown) => defineWorkflow({
  name,
  description: 'd',
  input: z.object({ question: z.string().optional() }),
  nodes: { ask: { kind: 'input', prompt: prompt as string, schema: z.object({ ok: z.boolean() }) }, out: { kind: 'output', value: 'done' } },
  edges: [['ask', 'out']],
})

describe('an input node with a blank prompt', () => {
  it('stops the boot when written blank', () => {
    expect(() => createWorkflowRegistry([asking('blank', '  ')], { files: ['server/workflows/blank.ts'] }))
      .toThrow('Workflow "blank" in server/workflows/blank.ts is invalid: input node "ask" has a blank prompt: the person would be asked nothing (write the question)')
  })

  it.each([
    ['a function that returns blank text', () => ' ', 'function'],
    ['a template of a field the start left out', '{{input.question}}', 'template'],
  ])('fails the node, asking nothing, for %s', async (_case, prompt, what) => {
    const job = startWorkflow(asking('made', prompt), {})
    await Promise.race([job.done, job.nextInput()])
    expect(String(job.error())).toBe(`JobFailure: Node "ask" failed: its prompt is blank, so the person would be asked nothing (check the ${what} that writes it)`)
    expect(job.state().pendingInputs).toEqual([])
    expect(job.events.some(event => event.type === 'input-request')).toBe(false)
  })
})
