/**
 * A template naming a field the workflow's input schema does not declare (`{{input.topik}}`), or
 * one an input node's answer schema does not (`{{outputs.approval.feedbak}}`), could only fail its
 * node (`"topik" does not exist`) — found once a job reached it, perhaps after a person had
 * answered its questions, while the boot check already refused a template naming an unknown node.
 * The boot now refuses it too, naming the node, the template and the closest declared field. A
 * schema that cannot tell (an object that keeps unknown keys, a record, a transform) is left to the
 * run, which still fails for a name the value does not hold.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const input = z.object({
  topic: z.string(),
  extra: z.object({ depth: z.number() }).optional(),
  tags: z.record(z.string(), z.string()).optional(),
})

const research = (value: string, schema: z.ZodType = input) => defineWorkflow({
  name: 'research',
  description: 'a template in an output',
  input: schema,
  nodes: { out: { kind: 'output', value } },
  edges: [],
})

const problemOf = (definition: unknown) => {
  try {
    createWorkflowRegistry([definition], { files: ['server/workflows/research.ts'] })
  }
  catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the definition to be refused')
}

describe('a template naming a field its schema does not declare', () => {
  it('is refused at boot for the input, at the top and inside a nested object', () => {
    expect(problemOf(research('About {{input.topik}}')))
      .toBe('Workflow "research" in server/workflows/research.ts is invalid: node "out" uses {{input.topik}}, but the workflow\'s input schema declares no "topik" there (did you mean "topic"?), so the node could only fail')
    expect(problemOf(research('{{input.extra.dpth}}')))
      .toBe('Workflow "research" in server/workflows/research.ts is invalid: node "out" uses {{input.extra.dpth}}, but the workflow\'s input schema declares no "dpth" there (did you mean "depth"?), so the node could only fail')
    expect(problemOf(research('{{input.subject}}'))).toContain('declares no "subject" there (it declares "topic", "extra", "tags")')
  })

  it('is refused at boot for an input node\'s answer', () => {
    const review = defineWorkflow({
      name: 'review',
      description: 'reads an answer',
      input: z.object({}),
      nodes: {
        approval: { kind: 'input', prompt: 'Approve?', schema: z.object({ approved: z.boolean(), feedback: z.string().optional() }) },
        out: { kind: 'output', value: 'Feedback: {{outputs.approval.feedbak}}' },
      },
      edges: [['approval', 'out']],
    })
    expect(problemOf(review)).toBe('Workflow "review" in server/workflows/research.ts is invalid: node "out" uses {{outputs.approval.feedbak}}, but the answer schema of input node "approval" declares no "feedbak" there (did you mean "feedback"?), so the node could only fail')
  })

  it('is accepted where the schema cannot tell, and the run still fails for a name the value does not hold', async () => {
    expect(() => createWorkflowRegistry([research('{{input.tags.anything}}')])).not.toThrow()
    const loose = research('{{input.topik}}', z.looseObject({ topic: z.string() }))
    const job = startWorkflow(loose, { topic: 'cats' })
    await job.done
    expect(String(job.error())).toContain('{{input.topik}}: "topik" does not exist')
  })
})
