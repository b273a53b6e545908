/**
 * Tool call ids stay unique in the job when agents of a parallel fan-out run tool rounds side by
 * side and their model repeats ids (the built-in scripted model makes them from the conversation's
 * length, so two agents at the same round send the same id). Before, an agent checked the job's
 * ids only at its first tool round: at the second round both agents recorded `call_4_0`, and the
 * job's state showed one agent's call with the other's result.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import type { ModelClient, ModelEvent } from '../../server/lib/model/types'
import { startWorkflow } from '../support/workflow-fake-context'

const lookup = defineTool({
  name: 'lookup',
  description: 'looks a word up',
  parameters: z.object({ q: z.string() }),
  execute: async ({ q }) => `found ${q}`,
})

/** Two tool rounds, then an answer; ids from the conversation's length, as the scripted model makes them. */
const lengthIdModel: ModelClient = {
  scripted: true,
  async* stream(request): AsyncIterable<ModelEvent> {
    const rounds = request.messages.filter(message => message.role === 'tool').length
    const who = String(request.messages.find(message => message.role === 'system')?.content)
    if (rounds < 2) {
      yield { type: 'tool-call', call: { id: `call_${request.messages.length}_0`, name: 'lookup', arguments: JSON.stringify({ q: `${who} ${rounds}` }) } }
      yield { type: 'finish', finishReason: 'tool_calls' }
      return
    }
    yield { type: 'text-delta', text: `${who} done` }
    yield { type: 'finish', finishReason: 'stop' }
  },
}

const fanOut = defineWorkflow({
  name: 'fan-out',
  description: 'two agents look things up at the same time',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['a', 'b'] },
    a: { kind: 'agent', instructions: 'A', tools: ['lookup'] },
    b: { kind: 'agent', instructions: 'B', tools: ['lookup'] },
    out: { kind: 'output', value: '{{outputs.fan}}' },
  },
  edges: [['fan', 'out']],
})

describe('tool call ids of agents running side by side', () => {
  it('are unique in the job at every round, and each call keeps its own result', async () => {
    const job = startWorkflow(fanOut, {}, { tools: [lookup], model: lengthIdModel })
    await job.done
    expect(job.error()).toBeUndefined()
    const calls = job.state().toolCalls
    expect(calls).toHaveLength(4)
    expect(new Set(calls.map(call => call.id)).size).toBe(4)
    for (const call of calls) {
      expect(call).toMatchObject({ status: 'completed', result: `found ${(call.args as { q: string }).q}` })
      expect((call.args as { q: string }).q.startsWith(call.nodeId === 'a' ? 'A' : 'B')).toBe(true)
    }
  })
})
