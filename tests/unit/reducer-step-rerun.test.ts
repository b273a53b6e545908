/**
 * A workflow agent node taken over mid-round runs again from step 1: its new `step-end` ends that
 * new round only. The round the lost owner cut off never ended, and its usage is unknown; it must
 * not take the new round's usage, or a later takeover (`metricsSoFar`) counts those tokens twice.
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { metricsSoFar } from '../../server/lib/job-run'

const usage = { prompt: 10, completion: 5, total: 15 }
const events: JobEvent[] = [
  { seq: 1, at: 1, type: 'node-start', nodeId: 'writer', kind: 'agent' },
  { seq: 2, at: 2, type: 'step-start', step: 1, nodeId: 'writer' },
  // The owner died here; the next one runs the node again, in epoch 2.
  { seq: 3, at: 3, epoch: 2, type: 'node-start', nodeId: 'writer', kind: 'agent' },
  { seq: 4, at: 4, epoch: 2, type: 'step-start', step: 1, nodeId: 'writer' },
  { seq: 5, at: 5, epoch: 2, type: 'step-end', step: 1, nodeId: 'writer', finishReason: 'stop', usage },
]

describe('step-end of a node run again after a takeover', () => {
  it('ends the latest round only; the cut-off one stays unended, and its tokens are not counted twice', () => {
    const state = reduceEvents(createJobState({ id: 'job', type: 'workflow', createdAt: 0 }), events)
    expect(state.steps).toEqual([
      { step: 1, nodeId: 'writer', finishReason: null, ended: false, starts: { content: 0, reasoning: 0, toolCalls: 0 } },
      { step: 1, nodeId: 'writer', finishReason: 'stop', usage, ended: true, starts: { content: 0, reasoning: 0, toolCalls: 0 } },
    ])
    expect(metricsSoFar(state).tokens).toEqual(usage)
    expect(metricsSoFar(state).total_rounds).toBe(2)
  })
})
