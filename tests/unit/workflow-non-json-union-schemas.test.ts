/**
 * The JSON Schemas a workflow shows clients — its input's (the catalog) and each input node's
 * answer's (the catalog's questions, and the `input-request`) — are what a client renders a form
 * from, and inputs and answers arrive as JSON. A union option JSON can never fill
 * (`z.union([z.string(), z.date()])`'s `z.date()`) was shown as `{}` (any value) there, so a form
 * offered values the server then refused with a 400. It is left out, as for a tool's `parameters`
 * (tools/non-json-parameters.ts); the union's other options stay.
 */
import { expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'

const when = z.union([z.string(), z.date()])

it('the input and answer schemas shown to clients leave out union options JSON can never fill', () => {
  const workflow = defineWorkflow({
    name: 'book',
    description: 'asks for a day',
    input: z.object({ from: when }),
    nodes: {
      ask: { kind: 'input', prompt: 'Which day?', schema: z.object({ on: when }) },
      done: { kind: 'output', value: '{{outputs.ask}}' },
    },
    edges: [['ask', 'done']],
  })
  // What the server accepts from JSON: the string, never a Date.
  expect(when.safeParse(1).success).toBe(false)
  const registered = createWorkflowRegistry([workflow]).get('book')!
  expect((registered.inputSchema as { properties: unknown }).properties).toEqual({ from: { type: 'string' } })
  expect((registered.questions![0]!.answerSchema as { properties: unknown }).properties).toEqual({ on: { type: 'string' } })
})
