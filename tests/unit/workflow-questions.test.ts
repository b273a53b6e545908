/** The catalog describes what a workflow will ask the human (server/lib/workflows/questions.ts). */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'
import researchReport from '../../demo/server/workflows/research-report'

describe('workflow questions', () => {
  it('lists each input node with its prompt, answer schema and timeout behaviour', () => {
    const registry = createWorkflowRegistry([researchReport])
    expect(registry.get('research-report')!.questions).toEqual([{
      nodeId: 'approval',
      prompt: 'Approve the draft report on “{{input.topic}}”, or reject it with feedback for a revision.',
      answerSchema: expect.objectContaining({ type: 'object', properties: expect.objectContaining({ approved: { type: 'boolean' } }), required: ['approved'] }),
      onTimeout: 'default',
      timeoutMs: 240_000,
    }])
  })

  it('a computed prompt is null; no input nodes means no questions', () => {
    const asks = defineWorkflow({
      name: 'asks',
      description: 'two questions',
      input: z.object({ n: z.number() }),
      nodes: {
        first: { kind: 'input', prompt: state => `Pick ${state.input.n}`, schema: z.enum(['a', 'b']), timeoutMs: 5_000, onTimeout: 'abort' },
        second: { kind: 'input', prompt: 'Sure?', schema: z.boolean() },
        done: { kind: 'output', value: 'ok' },
      },
      edges: [['first', 'second'], ['second', 'done']],
    })
    const silent = defineWorkflow({ name: 'silent', description: 'asks nothing', input: z.object({}), nodes: { done: { kind: 'output', value: 'ok' } }, edges: [] })
    const registry = createWorkflowRegistry([asks, silent])
    expect(registry.get('asks')!.questions).toEqual([
      { nodeId: 'first', prompt: null, answerSchema: expect.objectContaining({ enum: ['a', 'b'] }), onTimeout: 'abort', timeoutMs: 5_000 },
      { nodeId: 'second', prompt: 'Sure?', answerSchema: expect.objectContaining({ type: 'boolean' }), onTimeout: 'fail', timeoutMs: null },
    ])
    expect(registry.get('silent')!.questions).toEqual([])
  })
})
