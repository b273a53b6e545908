/**
 * A node stays `waiting` while any of its questions is open. An agent whose model asks for two
 * tools that need approval in one round asks twice at once; before, answering the first one showed
 * the node `running` (in every viewer's state, live and replayed) while the job itself still
 * waited for the second approval.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import type { ModelClient, ModelEvent } from '../../server/lib/model/types'
import { startWorkflow } from '../support/workflow-fake-context'

const publish = defineTool({
  name: 'publish',
  description: 'publishes to a channel',
  parameters: z.object({ channel: z.string() }),
  needsApproval: true,
  execute: ({ channel }) => `published to ${channel}`,
})

/** Asks for `publish` twice in its first round, then says it is done. */
const twoCallsModel: ModelClient = {
  scripted: true,
  async* stream(request): AsyncIterable<ModelEvent> {
    if (!request.messages.some(message => message.role === 'tool')) {
      yield { type: 'tool-call', call: { id: 'call-a', name: 'publish', arguments: '{"channel":"blog"}' } }
      yield { type: 'tool-call', call: { id: 'call-b', name: 'publish', arguments: '{"channel":"news"}' } }
      yield { type: 'finish', finishReason: 'tool_calls' }
      return
    }
    yield { type: 'text-delta', text: 'Done.' }
    yield { type: 'finish', finishReason: 'stop' }
  },
}

const announce = defineWorkflow({
  name: 'announce',
  description: 'an agent publishes to two channels',
  input: z.object({}),
  nodes: {
    writer: { kind: 'agent', instructions: 'Publish it.', tools: ['publish'] },
    done: { kind: 'output', value: '{{outputs.writer}}' },
  },
  edges: [['writer', 'done']],
})

describe('a node with two open questions', () => {
  it('stays waiting until the last one is answered', async () => {
    const job = startWorkflow(announce, {}, { tools: [publish], model: twoCallsModel })
    await job.nextInput()
    await expect.poll(() => job.state().pendingInputs.length).toBe(2)
    expect(job.state().nodeStates.writer!.status).toBe('waiting')

    job.answer('approve')
    expect(job.state().status).toBe('waiting')
    expect(job.state().pendingInputs).toHaveLength(1)
    expect(job.state().nodeStates.writer!.status).toBe('waiting')

    job.answer('approve')
    expect(job.state().nodeStates.writer!.status).toBe('running')
    await job.done
    expect(job.error()).toBeUndefined()
    expect(job.state().nodeStates.writer).toMatchObject({ status: 'completed', output: 'Done.' })
  })
})
