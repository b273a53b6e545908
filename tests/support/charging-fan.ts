/**
 * A parallel node whose `pay` agent charges (a tool with an outside effect) before it answers,
 * beside a `note` agent: the takeover tests of a held branch's agent (decision 38).
 */
import { z } from 'zod'
import type { ModelClient, ModelEvent, ModelRequest } from '../../server/lib/model/types'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'

export const chargingFan = defineWorkflow({
  name: 'fan',
  description: 'a charging agent beside another',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['pay', 'note'] },
    pay: { kind: 'agent', instructions: 'Pay.', prompt: 'Pay it.', tools: ['charge'] },
    note: { kind: 'agent', instructions: 'Note.', prompt: 'Note it.' },
    out: { kind: 'output', value: state => `Paid: ${String(state.outputs.pay)}` },
  },
  edges: [['fan', 'out']],
})

/** The `charge` tool: `charges.count` counts its runs. */
export function chargeTool() {
  const charges = { count: 0 }
  const tool = defineTool({ name: 'charge', description: 'Charges', parameters: z.object({}), execute: () => `charged #${++charges.count}` })
  return { tool, charges }
}

/**
 * `pay` says "Charging." and calls `charge` in its first round, then streams `answer` (with `hang`,
 * on until its signal fires); `note` answers "Noted.". `requests` keeps what `pay` was sent.
 */
export function chargingModel(answer: string[], hang = false): ModelClient & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = []
  return {
    scripted: false,
    requests,
    async* stream(request, signal): AsyncIterable<ModelEvent> {
      if (request.messages[0]!.content === 'Note.') {
        yield { type: 'text-delta', text: 'Noted.' }
        yield { type: 'finish', finishReason: 'stop' }
        return
      }
      requests.push({ ...request, messages: [...request.messages] })
      if (!request.messages.some(message => message.role === 'tool')) {
        yield { type: 'text-delta', text: 'Charging.' }
        yield { type: 'tool-call', call: { id: 'call-1', name: 'charge', arguments: '{}' } }
        yield { type: 'finish', finishReason: 'tool_calls' }
        return
      }
      for (const text of answer) yield { type: 'text-delta', text }
      if (hang) await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
      yield { type: 'finish', finishReason: 'stop' }
    },
  }
}
