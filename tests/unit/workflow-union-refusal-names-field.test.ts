/**
 * An answer schema (or a workflow input) that is a union of tagged objects — approve, or reject
 * with a reason — is a natural way to ask a human. An answer that picked an option but got one of
 * its fields wrong was refused `400 Invalid answer: (root): Invalid input`: zod reports a plain
 * union that no option took as one issue without a field, and the sender could not tell what to
 * fix. When exactly one option matched its tags (every other failed on a literal or enum value),
 * the refusal now names that option's problems; other refusals read as before.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseAnswer } from '../../server/lib/workflows/nodes/input'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'

const decision = z.union([
  z.object({ approved: z.literal(true) }),
  z.object({ approved: z.literal(false), reason: z.string().min(1) }),
])

const shipping = z.union([
  z.object({ method: z.literal('post'), address: z.string() }),
  z.object({ method: z.literal('pickup'), store: z.number().int() }),
])

describe('a refused answer or input to a union of tagged objects', () => {
  it('names the field of the option its tag chose', () => {
    expect(() => parseAnswer(decision, { approved: false })).toThrow('Invalid answer: answer.reason: Invalid input: expected string, received undefined')
    expect(() => parseAnswer(z.object({ ship: shipping }), { ship: { method: 'pickup', store: 'north' } })).toThrow('Invalid answer: answer.ship.store: Invalid input: expected number, received string')
  })

  it('names it in a workflow input too', () => {
    const workflow = createWorkflowRegistry([defineWorkflow({
      name: 'order',
      description: 'ships an order',
      input: z.object({ ship: shipping }),
      nodes: { out: { kind: 'output', value: 'ok' } },
      edges: [],
    })]).get('order')!
    expect(() => workflow.parseInput({ ship: { method: 'post' } })).toThrow('ship.address: Invalid input: expected string, received undefined')
  })

  it('does not name an option the value is not even the type of', () => {
    // A word answer or an object with a reason: a misspelt word is not "expected object".
    const approveOrReject = z.union([z.literal('approve'), z.object({ approved: z.literal(false), reason: z.string().min(1) })])
    // It says what the union takes instead (describe-issues.ts, optionsExpected).
    expect(() => parseAnswer(approveOrReject, 'aprove')).toThrow(/^Invalid answer: answer: Invalid input: expected "approve" \| object, received string$/)
    expect(() => parseAnswer(z.object({ ship: z.union([z.literal('pickup'), shipping]) }), { ship: 'pick-up' })).toThrow(/^Invalid answer: answer.ship: Invalid input$/)
    // The option whose type it is still names its field.
    expect(() => parseAnswer(approveOrReject, { approved: false })).toThrow('Invalid answer: answer.reason: Invalid input: expected string, received undefined')
  })

  it('reads as before when no option, or several, matched their tags', () => {
    // The union as a whole, named as the body's field since workflow-wrong-answer-names-answer.test.ts.
    expect(() => parseAnswer(shipping, { method: 'drone' })).toThrow('Invalid answer: answer: Invalid input')
    expect(() => parseAnswer(shipping, 'post')).toThrow('Invalid answer: answer: Invalid input')
  })
})
