/**
 * A parallel branch cancelled because a sibling failed starts no further node. Before, a branch
 * whose node finished in the same turn as the sibling's failure went on to its next node with the
 * cancelled signal: the log showed that node started (and skipped) and its tool call made, with
 * no result, for a tool that never ran.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const note = defineTool({
  name: 'note',
  description: 'notes a word',
  parameters: z.object({ word: z.string() }),
  execute: async ({ word }) => word,
})

const boom = defineTool({
  name: 'boom',
  description: 'always fails',
  parameters: z.object({}),
  execute: async () => {
    throw new Error('boom')
  },
})

const fanOut = defineWorkflow({
  name: 'fan-out',
  description: 'one branch fails while the other is between two nodes',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['bad', ['first', 'second']] },
    bad: { kind: 'tool', tool: 'boom' },
    first: { kind: 'tool', tool: 'note', args: { word: 'first' } },
    second: { kind: 'tool', tool: 'note', args: { word: 'second' } },
    out: { kind: 'output', value: 'never' },
  },
  edges: [['fan', 'out']],
})

describe('a parallel branch cancelled between two of its nodes', () => {
  it('starts no further node and makes no further tool call', async () => {
    const job = startWorkflow(fanOut, {}, { tools: [note, boom] })
    await job.done
    expect((job.error() as Error).message).toMatch(/^Node "bad" failed: tool "boom" ended with error/)
    expect(job.nodeLog()).not.toContain('start:second')
    expect(job.state().nodeStates.second).toBeUndefined()
    expect(job.state().toolCalls.map(call => call.nodeId)).not.toContain('second')
    expect(job.nodeLog()).toContain('failed:bad')
  })
})
