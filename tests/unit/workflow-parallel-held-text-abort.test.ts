/**
 * Agents of a parallel node hold their text until they finish (node-context.ts). A user who stops
 * the job mid-answer keeps what each had written so far, as a single agent's text is kept: the
 * engine ends the job in the same call as the abort (run-manager.ts `abortRun`), so the held text
 * must reach the job then — flushed by the node's catch a turn later, it arrived after the end and
 * was lost.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { ModelClient, ModelEvent } from '../../server/lib/model/types'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

/** Writes one piece named after its instructions, then waits for the abort. */
function halfwayModel(started: () => void): ModelClient {
  return {
    scripted: true,
    async* stream(request, signal): AsyncIterable<ModelEvent> {
      const instructions = String(request.messages.find(message => message.role === 'system')?.content ?? '')
      yield { type: 'text-delta', text: `partial ${instructions.includes('A') ? 'A' : 'B'}` }
      started()
      await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
    },
  }
}

const fanOut = defineWorkflow({
  name: 'two-agents',
  description: 'two agents side by side',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['a', 'b'] },
    a: { kind: 'agent', instructions: 'A' },
    b: { kind: 'agent', instructions: 'B' },
    out: { kind: 'output', value: 'done' },
  },
  edges: [['fan', 'out']],
})

describe('stopping a workflow while parallel agents write', () => {
  it('keeps each agent\'s text so far, in the job by the time the abort returns', async () => {
    let writing = 0
    let bothWriting!: () => void
    const ready = new Promise<void>(resolve => (bothWriting = resolve))
    const job = startWorkflow(fanOut, {}, { model: halfwayModel(() => ++writing === 2 && bothWriting()) })
    await ready
    job.abort()
    const atAbort = job.state().content
    expect(atAbort).toContain('partial A')
    expect(atAbort).toContain('partial B')
    await job.done
    // Written once, not again by the node's own end.
    expect(job.state().content.match(/partial A/g)).toHaveLength(1)
    expect(job.state().content.match(/partial B/g)).toHaveLength(1)
  })
})
