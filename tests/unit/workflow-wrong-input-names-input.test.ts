/**
 * A workflow input that is wrong as a whole — not an object where the schema takes one, an
 * unknown key of a strict object, a refine of the object, a union none of whose options took it —
 * was refused `400 Invalid workflow input: (root): …`: "(root)" is no field the client sent. It
 * names the body's field, `input`, now, and a field inside it is named under it (`input.topic: …`).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'
import { humanizeProblem } from '../../demo/app/lib/wording'

const workflow = (name: string, input: z.ZodType) => defineWorkflow({ name, description: 'an input shape', input, nodes: { out: { kind: 'output', value: 'done' } }, edges: [] })

const { engine } = createWorkflowEngine([
  workflow('digest', z.object({ topic: z.string() })),
  workflow('strict', z.strictObject({ topic: z.string() })),
  workflow('range', z.object({ from: z.number(), to: z.number() }).refine(range => range.from <= range.to, 'from must not be after to')),
  workflow('either', z.union([z.object({ kind: z.literal('a') }), z.object({ kind: z.literal('b') })])),
])

async function refusal(name: string, input: unknown): Promise<string> {
  const error = await engine.createJob(USER, { request: { type: 'workflow', workflow: name, input } }).then(() => null, (failure: { statusCode?: number, message: string }) => failure)
  expect(error?.statusCode).toBe(400)
  return error!.message
}

describe('a wrong (not missing) workflow input', () => {
  it.each([
    ['a string for an object', 'digest', 'cats', 'Invalid workflow input: input: Invalid input: expected object, received string'],
    ['an unknown key of a strict object', 'strict', { topic: 'a', colour: 'red' }, 'Invalid workflow input: input: Unrecognized key: "colour"'],
    ['a refine of the whole object', 'range', { from: 3, to: 1 }, 'Invalid workflow input: input: from must not be after to'],
    ['a union no option took', 'either', { kind: 'c' }, 'Invalid workflow input: input: Invalid input'],
  ])('%s names `input`, not (root)', async (_case, name, input, message) => {
    expect(await refusal(name, input)).toBe(message)
  })

  it('names a field inside it by its path under the body field', async () => {
    expect(await refusal('digest', { topic: 1 })).toBe('Invalid workflow input: input.topic: Invalid input: expected string, received number')
  })

  it('reads in the demo as a sentence about the input', () => {
    expect(humanizeProblem('Invalid workflow input: input: Invalid input: expected object, received string')).toMatch(/^The input /)
  })
})
