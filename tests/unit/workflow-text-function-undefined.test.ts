/**
 * An agent node's `prompt` or `instructions`, or an input node's `prompt`, given as a function
 * with a block body and no `return` (`prompt: s => { \`Research ${s.input.topic}\` }`, a slip a
 * `.js` workflow file or `nuxt build` never type-checks) read as ''. The model was asked an empty
 * question (or got empty instructions) and the job completed with an answer to nothing; a person was
 * asked an empty question. Such a function fails its node, naming the field, before the model is
 * called or the question asked — as an output node's value and a tool node's args do. A template
 * naming an optional field left out still reads as nothing.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowFakeModel, startWorkflow } from '../support/workflow-fake-context'

const input = z.object({ topic: z.string(), note: z.string().optional() })

function agentWorkflow(fields: Record<string, unknown>) {
  return defineWorkflow({
    name: 'research',
    description: 'one agent',
    input,
    nodes: { research: { kind: 'agent', instructions: 'You research.', ...fields } as never, done: { kind: 'output', value: '{{outputs.research}}' } },
    edges: [['research', 'done']],
  })
}

describe('a text field whose function returns nothing', () => {
  it.each([
    ['prompt', { prompt: (state: { input: { topic: string } }) => { void `Research ${state.input.topic}` } }],
    ['instructions', { instructions: () => { void 'You research.' } }],
  ])('fails an agent node (its %s) before the model is called', async (field, fields) => {
    const model = createWorkflowFakeModel()
    const job = startWorkflow(agentWorkflow(fields), { topic: 'cats' }, { model })
    await job.done
    expect(String(job.error())).toBe(`JobFailure: Node "research" failed: its ${field} function returned undefined (does it return something? \`s => { \`…\` }\` returns nothing, \`s => \`…\`\` returns the text)`)
    expect(model.requests).toHaveLength(0)
  })

  it('fails an input node before the question is asked', async () => {
    const ask = defineWorkflow({
      name: 'ask',
      description: 'one question',
      input,
      nodes: { ask: { kind: 'input', prompt: (() => { void 'Go on?' }) as never, schema: z.boolean() }, done: { kind: 'output', value: '{{outputs.ask}}' } },
      edges: [['ask', 'done']],
    })
    const job = startWorkflow(ask, { topic: 'cats' })
    // Before: the question was asked with an empty prompt, and the job waited for its answer.
    await Promise.race([job.done, job.nextInput()])
    expect(String(job.error())).toContain('Node "ask" failed: its prompt function returned undefined')
    expect(job.state().pendingInputs).toEqual([])
    expect(job.events.some(event => event.type === 'input-request')).toBe(false)
  })

  it('a template of an optional field left out still reads as nothing', async () => {
    const model = createWorkflowFakeModel()
    const job = startWorkflow(agentWorkflow({ prompt: 'Research {{input.topic}}{{input.note}}' }), { topic: 'cats' }, { model })
    await job.done
    expect(String(job.error())).toBe('undefined')
    expect(model.requests[0]!.messages.find(message => message.role === 'user')).toMatchObject({ content: 'Research cats' })
  })
})
