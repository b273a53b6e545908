/**
 * Two slips a developer makes writing a first workflow file, and what the boot error says. A
 * workflow without `description` read "description must be a string" (the tool's error says a
 * description is required, and why); `nodes` written as a list of `{ id, kind }` objects read
 * `output node "0" has unknown key \`id\` (did you mean \`kind\`?)`, which sent them to the node.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { validateWorkflowDefinition } from '../../server/lib/workflows/validate'

const base = { name: 'greet', description: 'greets', input: z.object({}), nodes: { done: { kind: 'output', value: 'hi' } }, edges: [] }

function problemOf(definition: unknown): string {
  try {
    validateWorkflowDefinition(definition)
  }
  catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the definition to be refused')
}

describe('a workflow definition\'s shape', () => {
  it('without a description says one is required and what shows it', () => {
    const { description: _description, ...withoutDescription } = base
    expect(problemOf(withoutDescription)).toBe('Workflow "greet" is invalid: a description is required (a string: GET /api/jobs/catalog shows it, to pick the workflow by)')
    expect(problemOf({ ...base, description: 3 })).toBe('Workflow "greet" is invalid: description must be a string')
  })

  it('with nodes as a list says nodes is an object keyed by node id', () => {
    expect(problemOf({ ...base, nodes: [{ id: 'done', kind: 'output', value: 'hi' }] }))
      .toBe('Workflow "greet" is invalid: nodes must be an object keyed by node id ({ done: { kind: \'output\', … } }), not a list')
  })

  it('takes the same workflow written right', () => {
    expect(validateWorkflowDefinition(base).graph.start).toBe('done')
  })
})
