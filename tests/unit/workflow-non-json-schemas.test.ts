/**
 * A workflow schema that JSON can never fill — the workflow's `input` (POST /api/jobs sends JSON)
 * or an input node's answer `schema` (POST …/input sends JSON) with a `z.date()`, `z.bigint()`,
 * `z.map()`… without `z.coerce` — is refused at boot, naming the workflow, the node and the field.
 * Before, it was accepted: every start of the workflow, or every answer to the question, was then
 * refused with a 400 (`on: Invalid input: expected date, received string`), and a job at that
 * question could only wait for its timeout.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { WorkflowDefinitionError } from '../../server/lib/workflows/validate'
import { defineWorkflow } from '../../server/utils/define-workflow'

function withAnswer(schema: z.ZodType) {
  return defineWorkflow({
    name: 'book',
    description: 'asks for a day',
    input: z.object({}),
    nodes: {
      ask: { kind: 'input', prompt: 'Which day?', schema },
      done: { kind: 'output', value: '{{outputs.ask}}' },
    },
    edges: [['ask', 'done']],
  })
}

function withInput(input: z.ZodType) {
  return defineWorkflow({ name: 'remind', description: 'reminds', input, nodes: { done: { kind: 'output', value: 'ok' } }, edges: [] })
}

function bootError(definition: unknown): unknown {
  try {
    createWorkflowRegistry([definition], { files: ['server/workflows/x.ts'] })
  }
  catch (error) {
    return error
  }
  return undefined
}

describe('a workflow schema JSON can never fill', () => {
  it('refuses an input node whose answer schema has a z.date()', () => {
    const error = bootError(withAnswer(z.object({ on: z.date(), note: z.string().optional() })))
    expect(error).toBeInstanceOf(WorkflowDefinitionError)
    expect((error as Error).message).toBe('Workflow "book" in server/workflows/x.ts is invalid: input node "ask" has an answer `schema` with on: z.date(), which an answer can never be (answers are sent as JSON, so every answer would be refused); use z.coerce.date() or z.iso.datetime()')
  })

  it('refuses an answer schema that is a z.bigint() itself', () => {
    expect((bootError(withAnswer(z.bigint())) as Error).message).toMatch(/input node "ask" has an answer `schema` with the answer: z\.bigint\(\), which an answer can never be .*; use z\.coerce\.bigint\(\)/)
  })

  it('refuses a workflow input with a z.map()', () => {
    const error = bootError(withInput(z.object({ tags: z.map(z.string(), z.string()) })))
    expect(error).toBeInstanceOf(WorkflowDefinitionError)
    expect((error as Error).message).toBe('Workflow "remind" in server/workflows/x.ts is invalid: `input` has tags: z.map(), which a workflow input can never be (POST /api/jobs sends it as JSON, so every start would be refused); use z.record(…)')
  })

  it('accepts what JSON can fill: coerced dates and bigints, ISO text, a preprocess', () => {
    expect(bootError(withAnswer(z.object({ on: z.coerce.date(), amount: z.coerce.bigint().optional() })))).toBeUndefined()
    expect(bootError(withInput(z.object({ on: z.iso.datetime(), at: z.preprocess(value => new Date(String(value)), z.date()) })))).toBeUndefined()
  })
})
