/**
 * Decision 023 took `"field": null` as absent for an optional tool parameter, but a workflow's
 * start input and an input node's answer — which clients write as JSON, where many serializers
 * write an unset field as null (Python's None, a form's empty number box) — were still refused:
 * `input.tone: Invalid input: expected string, received null`, `Invalid answer: feedback: …`.
 * They are read the same way now (nested objects and union options too); a field that takes null
 * keeps it, a required one is still refused, and a `timeoutAnswer` is checked at boot as it is read.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseAnswer } from '../../server/lib/workflows/nodes/input'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { validateWorkflowDefinition } from '../../server/lib/workflows/validate'
import { defineWorkflow } from '../../server/utils/define-workflow'

const approval = z.object({ approved: z.boolean(), feedback: z.string().optional(), score: z.number().nullable().optional() })

function reportWorkflow(timeoutAnswer: unknown) {
  return defineWorkflow({
    name: 'report',
    description: 'd',
    input: z.object({ topic: z.string(), tone: z.enum(['plain', 'formal']).default('plain'), options: z.object({ depth: z.number().optional() }).optional() }),
    nodes: {
      ask: { kind: 'input', prompt: 'OK?', schema: approval, onTimeout: 'default', timeoutAnswer: timeoutAnswer as never },
      out: { kind: 'output', value: 'done' },
    },
    edges: [['ask', 'out']],
  })
}

describe('null for an optional field of a workflow input or answer', () => {
  it('a start input\'s null is the field left out (a default applies); a required one is refused', () => {
    const workflow = createWorkflowRegistry([reportWorkflow({ approved: false })]).get('report')!
    expect(workflow.parseInput({ topic: 'tides', tone: null, options: { depth: null } })).toEqual({ topic: 'tides', tone: 'plain', options: {} })
    expect(() => workflow.parseInput({ topic: null })).toThrow(/^input\.topic: Invalid input: expected string, received null$/)
  })

  it('an answer\'s null is the field left out; a nullable field keeps it', () => {
    expect(parseAnswer(approval, { approved: true, feedback: null, score: null })).toEqual({ approved: true, score: null })
    expect(() => parseAnswer(approval, { approved: null })).toThrow(/approved: Invalid input: expected boolean, received null/)
  })

  it('a timeoutAnswer with such a null passes the boot check, as it is read when applied', () => {
    expect(() => validateWorkflowDefinition(reportWorkflow({ approved: false, feedback: null }))).not.toThrow()
  })
})
