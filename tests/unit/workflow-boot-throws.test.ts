/**
 * A definition whose check throws stops the boot with an error naming the workflow and its file.
 * Before, a timeout answer's check that ran a refine which throws (`a.feedback.length` on the
 * timeout answer `{ approved: false }`), or a value no check expects (arguments that refer to
 * themselves), stopped the boot with the bare error (`TypeError: Cannot read properties of
 * undefined (reading 'length')`): no workflow, no file.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { WorkflowDefinitionError } from '../../server/lib/workflows/validate'

const FILE = 'server/workflows/review.ts'

describe('a definition whose check throws', () => {
  it('a timeout answer whose schema refine throws: names the workflow, the file, the node and the throw', () => {
    const schema = z.object({ approved: z.boolean(), feedback: z.string().optional() })
      .refine(answer => answer.approved || answer.feedback!.length > 0, 'say why')
    const review = {
      name: 'review',
      description: 'asks for a review',
      input: z.object({}),
      nodes: {
        ask: { kind: 'input', prompt: 'Approve?', schema, onTimeout: 'default', timeoutAnswer: { approved: false } },
        done: { kind: 'output', value: 'Done.' },
      },
      edges: [['ask', 'done']],
    }
    const create = () => createWorkflowRegistry([review], { files: [FILE] })
    expect(create).toThrow(WorkflowDefinitionError)
    expect(create).toThrow(`Workflow "review" in ${FILE} is invalid: input node "ask" has onTimeout "default" but its schema threw while checking its timeout answer {"approved":false}: Cannot read properties of undefined (reading 'length')`)
  })

  it('arguments that refer to themselves: names the workflow and the file', () => {
    const args: Record<string, unknown> = { topic: '{{input.topic}}' }
    args.self = args
    const review = {
      name: 'review',
      description: 'calls a tool',
      input: z.object({ topic: z.string() }),
      nodes: {
        call: { kind: 'tool', tool: 'search', args },
        done: { kind: 'output', value: 'Done.' },
      },
      edges: [['call', 'done']],
    }
    const create = () => createWorkflowRegistry([review], { files: [FILE] })
    expect(create).toThrow(WorkflowDefinitionError)
    expect(create).toThrow(new RegExp(`^Workflow "review" in ${FILE} is invalid: checking it threw: `))
  })
})
