/**
 * `state.visits` counts the visits of every node of the workflow: a node that has not run yet has
 * 0, in a template (`{{visits.review}}`, accepted at boot because the node exists) and in a function
 * of the state alike. Before, the key was missing: the template failed the job on its first round
 * (`{{visits.review}}: "review" does not exist`) and a function read `undefined`, typed `number`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

const seen: unknown[] = []
const record = defineTool({
  name: 'record',
  description: 'records its arguments',
  parameters: z.object({ reviews: z.number() }),
  execute: (args) => {
    seen.push(args)
    return 'ok'
  },
})

/** A draft revised until its second review: the draft names how many reviews came before it. */
const revise = defineWorkflow({
  name: 'revise',
  description: 'drafts, then reviews, twice',
  input: z.object({}),
  nodes: {
    draft: { kind: 'tool', tool: 'record', args: { reviews: '{{visits.review}}' } },
    note: { kind: 'tool', tool: 'record', args: ({ visits }) => ({ reviews: visits.review }) },
    review: { kind: 'branch', choose: ({ visits }) => (visits.review! < 2 ? 'draft' : 'done') },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['draft', 'note'], ['note', 'review'], ['review', 'draft'], ['review', 'done']],
})

describe('state.visits of a node that has not run yet', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    seen.length = 0
  })
  afterEach(() => vi.useRealTimers())

  it('is 0, in a template and in a function, so a loop counting rounds runs its first one', async () => {
    const { start, state } = createWorkflowEngine([revise], { tools: [record] })
    const jobId = await start('revise')
    // In steps: the job ends some turns after its last node, and is read once it has.
    for (let turn = 0; turn < 5; turn++) await vi.advanceTimersByTimeAsync(1_000)
    const job = await state(jobId)
    expect(job.error?.message ?? null).toBeNull()
    expect(job.status).toBe('completed')
    expect(seen).toEqual([{ reviews: 0 }, { reviews: 0 }, { reviews: 1 }, { reviews: 1 }])
  })
})
