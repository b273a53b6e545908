/**
 * A refused workflow input or answer named a field by its bare path and the whole value by the
 * body's field: a field literally named `answer` (or `input`) read `Invalid answer: answer: …`,
 * the very words of a problem with the whole answer. Fields are now named under the body's field,
 * as the JSON problems already were (`a BigInt at input.amount`): `answer.answer: …` is the field,
 * `answer: …` the whole answer.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseAnswer } from '../../server/lib/workflows/nodes/input'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'

const registry = createWorkflowRegistry([defineWorkflow({
  name: 'quiz',
  description: 'd',
  input: z.object({ input: z.string() }),
  nodes: { out: { kind: 'output', value: 'done' } },
  edges: [],
})])

function inputProblem(input: unknown): string {
  try {
    registry.get('quiz')!.parseInput(input)
  }
  catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the input to be refused')
}

describe('a field named like the value it is in', () => {
  it('an answer field named `answer` is told apart from the whole answer', () => {
    const schema = z.object({ answer: z.boolean() })
    expect(() => parseAnswer(schema, { answer: 'yes' })).toThrow(/^Invalid answer: answer\.answer: Invalid input: expected boolean, received string$/)
    expect(() => parseAnswer(schema, 'yes')).toThrow(/^Invalid answer: answer: Invalid input: expected object, received string$/)
  })

  it('an input field named `input` is told apart from the whole input', () => {
    expect(inputProblem({ input: 1 })).toBe('input.input: Invalid input: expected string, received number')
    expect(inputProblem('cats')).toBe('input: Invalid input: expected object, received string')
  })
})
