/**
 * The demo's progress labels a node that ran again with an English ordinal. Before, every visit
 * after the 3rd took "th": a retry loop's 21st, 22nd and 23rd visits read "21th", "22th", "23th"
 * (limits.maxNodesPerJob is 50 by default, so a two-node loop gets there).
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { workflowVisits } from '../../demo/app/lib/workflow-view'

describe('workflow visit labels', () => {
  it('uses the right ordinal for every visit', () => {
    const events = Array.from({ length: 113 }, (_, index) => [
      { type: 'node-start', nodeId: 'retry', kind: 'tool' },
      { type: 'node-end', nodeId: 'retry', status: 'completed', output: index },
    ]).flat().map((payload, index) => ({ ...payload, seq: index + 1, at: index }) as JobEvent)
    const labels = workflowVisits(reduceEvents(createJobState({ id: 'w', type: 'workflow', createdAt: 0 }), events)).map(visit => visit.label)
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 24, 101, 102, 111, 112, 113].map(visit => labels[visit - 1])).toEqual([
      'Retry',
      'Retry (2nd time)',
      'Retry (3rd time)',
      'Retry (4th time)',
      'Retry (11th time)',
      'Retry (12th time)',
      'Retry (13th time)',
      'Retry (21st time)',
      'Retry (22nd time)',
      'Retry (23rd time)',
      'Retry (24th time)',
      'Retry (101st time)',
      'Retry (102nd time)',
      'Retry (111th time)',
      'Retry (112th time)',
      'Retry (113th time)',
    ])
  })
})
