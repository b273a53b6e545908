/**
 * A `z.coerce.date()` field of a workflow's input or of an input node's answer was `{}` (any value)
 * in the catalog's `inputSchema` and `answerSchema`: zod has no JSON Schema for a Date. A client
 * building its form from the catalog (the demo's) could not tell it wants a date. The field
 * arrives as JSON text that `new Date(text)` reads: it is shown as a date-time string now.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'

const DATE_TIME = { type: 'string', format: 'date-time' }

const booking = defineWorkflow({
  name: 'booking',
  description: 'books a room',
  input: z.object({ on: z.coerce.date(), until: z.coerce.date().optional(), room: z.string() }),
  nodes: {
    confirm: { kind: 'input', prompt: 'Move it?', schema: z.object({ to: z.coerce.date().nullable() }) },
    done: { kind: 'output', value: '{{input.room}}' },
  },
  edges: [['confirm', 'done']],
})

describe('a z.coerce.date() field in the catalog', () => {
  const workflow = createWorkflowRegistry([booking]).get('booking')!

  it('is a date-time string in the input schema, required as before', () => {
    expect(workflow.inputSchema).toMatchObject({
      properties: { on: DATE_TIME, until: DATE_TIME, room: { type: 'string' } },
      required: ['on', 'room'],
    })
  })

  it('is a date-time string in an input node\'s answer schema, inside a nullable too', () => {
    expect(workflow.questions?.[0]?.answerSchema).toMatchObject({ properties: { to: { anyOf: [DATE_TIME, { type: 'null' }] } }, required: ['to'] })
  })

  it('reads what it says: the start takes a date-time string', () => {
    expect(workflow.parseInput({ on: '2026-12-02T15:00:00Z', room: 'A' })).toEqual({ on: new Date('2026-12-02T15:00:00Z'), room: 'A' })
  })
})
