/**
 * An agent in a parallel fan-out holds its text until it ends (node-context.ts). Its rounds still
 * start new paragraphs: the break before a round's text is judged on the agent's own text so far,
 * not on the job's content, which the held text is not in yet. Judged on the job's, an agent that
 * wrote "Let me check." before a tool round gave "Let me check.It is sunny." (its reasoning too).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { ModelClient, ModelEvent } from '../../server/lib/model/types'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const weather = defineTool({ name: 'weather', description: 'The weather', parameters: z.object({}), execute: async () => 'sunny' })

/** Round 1: reasoning, text and a weather call; round 2 (after the tool answered): reasoning and the answer. */
const model: ModelClient = {
  scripted: true,
  async* stream(request): AsyncIterable<ModelEvent> {
    const name = String(request.messages.find(message => message.role === 'system')?.content)
    if (!request.messages.some(message => message.role === 'tool')) {
      yield { type: 'reasoning-delta', text: `${name} thinks.` }
      yield { type: 'text-delta', text: `${name}: let me check.` }
      yield { type: 'tool-call', call: { id: `call_${name}`, name: 'weather', arguments: '{}' } }
      yield { type: 'finish', finishReason: 'tool_calls' }
      return
    }
    yield { type: 'reasoning-delta', text: `${name} knows.` }
    yield { type: 'text-delta', text: `${name}: it is sunny.` }
    yield { type: 'finish', finishReason: 'stop' }
  },
}

const fanOut = defineWorkflow({
  name: 'two-forecasters',
  description: 'two agents side by side, each with a tool round',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['a', 'b'] },
    a: { kind: 'agent', instructions: 'A', prompt: 'Weather?', tools: ['weather'] },
    b: { kind: 'agent', instructions: 'B', prompt: 'Weather?', tools: ['weather'] },
    out: { kind: 'output', value: 'done' },
  },
  edges: [['fan', 'out']],
})

describe('agents of a parallel node, each with more than one round', () => {
  it('keep a paragraph break between their rounds\' text and reasoning', async () => {
    const job = startWorkflow(fanOut, {}, { model, tools: [weather] })
    await job.done
    expect(job.error()).toBeUndefined()
    const { content, reasoning } = job.state()
    expect(content).toContain('A: let me check.\n\nA: it is sunny.')
    expect(content).toContain('B: let me check.\n\nB: it is sunny.')
    expect(reasoning).toContain('A thinks.\n\nA knows.')
    expect(reasoning).toContain('B thinks.\n\nB knows.')
    // And between the agents, in whichever order they ended.
    expect(content).toMatch(/(?:A|B): it is sunny\.\n\n(?:A|B): let me check\./)
    expect(reasoning).toMatch(/(?:A|B) knows\.\n\n(?:A|B) thinks\./)
  })

  it('after an earlier node\'s reasoning, the held reasoning starts a new paragraph', async () => {
    const afterFirst = defineWorkflow({
      name: 'first-then-two',
      description: 'one agent, then two side by side',
      input: z.object({}),
      nodes: {
        first: { kind: 'agent', instructions: 'F', prompt: 'Weather?', tools: ['weather'] },
        fan: { kind: 'parallel', branches: ['a', 'b'] },
        a: { kind: 'agent', instructions: 'A', prompt: 'Weather?', tools: ['weather'] },
        b: { kind: 'agent', instructions: 'B', prompt: 'Weather?', tools: ['weather'] },
        out: { kind: 'output', value: 'done' },
      },
      edges: [['first', 'fan'], ['fan', 'out']],
    })
    const job = startWorkflow(afterFirst, {}, { model, tools: [weather] })
    await job.done
    expect(job.error()).toBeUndefined()
    expect(job.state().reasoning).toMatch(/^F thinks\.\n\nF knows\.\n\n(?:A|B) thinks\./)
  })
})
