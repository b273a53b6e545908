/**
 * A node may be named `__proto__` (a key of `nodes` built with `Object.fromEntries`, or from JSON;
 * the boot check accepts it and `{{outputs.__proto__}}`). Its output and visits were written with a
 * plain assignment, which for that key calls Object.prototype's setter: a string output was dropped,
 * an object output became the prototype of `state.outputs`, a run resumed from the log counted the
 * node's visits as 0, and the reducer dropped the node from `nodeStates` when the job ended.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { applyEvent, createJobState } from '../../shared/reducer'
import { createResumePoint } from '../../server/lib/workflows/resume'
import type { WorkflowNode } from '../../server/utils/define-workflow'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const PROTO = '__proto__'

describe('a node named __proto__', () => {
  it('a later node reads its output by template and by function, and its visits', async () => {
    const wf = defineWorkflow({
      name: 'proto',
      description: 'reads the output of a node named __proto__',
      input: z.object({}),
      nodes: Object.fromEntries<WorkflowNode>([
        [PROTO, { kind: 'output', value: 'first' }],
        ['next', { kind: 'output', value: 'template {{outputs.__proto__}} ({{visits.__proto__}})' }],
        ['last', { kind: 'output', value: state => `function ${String(state.outputs[PROTO])} ${Object.keys(state.outputs).join(',')}` }],
      ]),
      edges: [[PROTO, 'next'], ['next', 'last']],
    })
    const run = startWorkflow(wf, {})
    await run.done
    expect(run.error()).toBeUndefined()
    expect(run.state().content).toBe('first\n\ntemplate first (1)\n\nfunction first __proto__,next')
  })

  it('a run resumed from the log counts its visits', () => {
    const resumed = createResumePoint({ ...createJobState({ id: 'j', type: 'workflow', createdAt: 0 }), executionOrder: [PROTO, 'again', PROTO], nodeStates: Object.fromEntries([
      [PROTO, { nodeId: PROTO, kind: 'tool', status: 'completed', output: 2, startedAt: 0 }],
      ['again', { nodeId: 'again', kind: 'branch', status: 'completed', output: PROTO, startedAt: 0 }],
    ]) })
    expect(Object.hasOwn(resumed.visits, PROTO)).toBe(true)
    expect(resumed.visits[PROTO]).toBe(2)
    expect(resumed.nodesStarted).toBe(3)
  })

  it('stays in nodeStates when the job ends while another node runs', () => {
    let state = createJobState({ id: 'j', type: 'workflow', createdAt: 0, status: 'running' })
    const events = [
      { type: 'node-start', nodeId: PROTO, kind: 'output' },
      { type: 'node-end', nodeId: PROTO, status: 'completed', output: 'first' },
      { type: 'node-start', nodeId: 'next', kind: 'tool' },
      { type: 'job-end', status: 'aborted', metrics: null },
    ] as const
    events.forEach((event, index) => { state = applyEvent(state, { ...event, seq: index + 1, at: index } as never) })
    expect(Object.keys(state.nodeStates)).toEqual([PROTO, 'next'])
    expect(state.nodeStates[PROTO]).toMatchObject({ status: 'completed', output: 'first' })
    expect(state.nodeStates.next).toMatchObject({ status: 'stopped' })
  })
})
