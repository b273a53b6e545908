/**
 * Node ids are any keys of `nodes`, names every JavaScript object has among them (`constructor`,
 * `toString`, `valueOf` …). The state's `visits` and `outputs` were plain objects, so such a node
 * read the inherited member: its first visit counted as `"function Object() { [native code] }1"`,
 * a loop counting its rounds stopped after one, and `{{outputs.constructor}}` read a function
 * where a node with no output yet fails the node naming it.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import { createResumePoint } from '../../server/lib/workflows/resume'
import type { WorkflowNode } from '../../server/utils/define-workflow'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

describe('nodes named like members every object has', () => {
  it('a loop counts the visits of a node named constructor', async () => {
    const loop = defineWorkflow({
      name: 'loop',
      description: 'three rounds',
      input: z.object({}),
      // Written as a JavaScript workflow file would (TypeScript reads `constructor` as Object's own).
      nodes: Object.fromEntries<WorkflowNode>([
        ['constructor', { kind: 'output', value: 'round' }],
        ['again', { kind: 'branch', choose: state => ((state.visits['constructor'] ?? 0) < 3 ? 'constructor' : 'end') }],
        ['end', { kind: 'output', value: 'rounds: {{visits.constructor}}' }],
      ]),
      edges: [['constructor', 'again'], ['again', 'constructor'], ['again', 'end']],
    })
    const run = startWorkflow(loop, {})
    await run.done
    expect(run.error()).toBeUndefined()
    expect(run.state().content).toBe('round\n\nround\n\nround\n\nrounds: 3')
  })

  it('a template naming a node called valueOf that has no output yet fails the node', async () => {
    const early = defineWorkflow({
      name: 'early',
      description: 'reads an output before it exists',
      input: z.object({}),
      nodes: Object.fromEntries<WorkflowNode>([
        ['first', { kind: 'output', value: 'before: {{outputs.valueOf}}' }],
        ['valueOf', { kind: 'output', value: 'late' }],
      ]),
      edges: [['first', 'valueOf']],
    })
    const run = startWorkflow(early, {})
    await run.done
    expect(run.error()).toMatchObject({ code: 'workflow-reference', message: 'Node "first" failed: {{outputs.valueOf}}: node "valueOf" has no output yet' })
  })
})

describe('a resumed run', () => {
  it('counts the earlier visits of a node named constructor', () => {
    const earlier = { executionOrder: ['constructor', 'again'], nodeStates: { constructor: { status: 'completed', output: 'round' }, again: { status: 'running' } }, answeredInputs: [] }
    const point = createResumePoint(earlier as unknown as JobState)
    // The attempt cut off (`again`) counts where it started: run again, it is that visit (resume.ts takeCutOff).
    expect({ visits: point.visits, nodesStarted: point.nodesStarted }).toEqual({ visits: { constructor: 1, again: 1 }, nodesStarted: 2 })
  })
})
