/**
 * limits.maxNodesPerJob and `visits` after a takeover that leaves a node behind: the lost owner had
 * started a parallel node's branch that the version taking over no longer lists (another branch in
 * its place). That branch ran — it asked its question — and is never run again: it counts as a
 * started node, once, and its visit stays counted. Before, the resume point took every node that
 * read running for an attempt about to run again and counted it out, so the job could start one
 * node more than the limit allows per node left behind, and `visits.slow` read 0.
 */
import { expect, it } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createResumePoint } from '../../server/lib/workflows/resume'
import { startWorkflow } from '../support/workflow-fake-context'

const note = defineTool({ name: 'note', description: 'notes', parameters: z.object({}), execute: () => 'noted' })
const quick = { kind: 'tool', tool: 'note' } as const
const question = (prompt: string) => ({ kind: 'input', prompt, schema: z.object({ ok: z.boolean() }) }) as const

/** v1: both(quick, slow) → out. */
const v1 = defineWorkflow({ name: 'fan', description: 'v1', input: z.object({}), nodes: { both: { kind: 'parallel', branches: ['quick', 'slow'] }, quick, slow: question('Slow?'), out: { kind: 'output', value: 'done' } }, edges: [['both', 'out']] })
/** v2: `other` in place of `slow`; `out` reports what `slow`'s visits read. */
const v2 = defineWorkflow({
  name: 'fan',
  description: 'v2',
  input: z.object({}),
  nodes: { both: { kind: 'parallel', branches: ['quick', 'other'] }, quick, other: question('Other?'), slow: question('Slow?'), route: { kind: 'branch', choose: () => 'out' }, out: { kind: 'output', value: 'slow visits {{visits.slow}}, both visits {{visits.both}}' } },
  edges: [['both', 'route'], ['route', 'out'], ['route', 'slow'], ['slow', 'out']],
})

/** v1 until `slow` asks with `quick` finished; the owner lost (its open question voided, as a takeover does). */
async function lostAtSlow(): Promise<JobState> {
  const first = startWorkflow(v1, {}, { tools: [note] })
  await first.nextInput()
  for (let turn = 0; turn < 50 && first.state().nodeStates.quick?.status !== 'completed'; turn++) await new Promise(resolve => setImmediate(resolve))
  expect(first.state().nodeStates.quick?.status).toBe('completed')
  const state = first.state()
  const open = state.pendingInputs[0]!
  first.abort()
  await first.done
  return reduceEvents(state, [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: state.seq + 1, at: 0 }])
}

it('a branch left behind counts as the node it was: the started nodes are what ran', async () => {
  const state = await lostAtSlow()
  // both, quick and slow started; only both runs again (as the attempt it was), slow never.
  const resume = createResumePoint(state)
  expect(resume.visits).toEqual({ both: 1, quick: 1, slow: 1 })
  expect(resume.nodesStarted).toBe(3)
})

it('limits.maxNodesPerJob counts the branch left behind: the sixth node does not start under a limit of 5', async () => {
  const state = await lostAtSlow()
  // Started: both, quick, slow (first owner); other, route, out (second): six, both run again counting once.
  const second = startWorkflow(v2, {}, { tools: [note], resumedFrom: state, continueLog: true, config: { limits: { maxNodesPerJob: 5 } } })
  await second.nextInput()
  second.answer({ ok: true })
  await second.done
  // Before: the job ended `completed` after six starts.
  expect(second.error()).toMatchObject({ code: 'max-nodes', details: { nodeId: 'out' } })
})

it('under a limit of 6 it ends, and the nodes read the visits that ran', async () => {
  const second = startWorkflow(v2, {}, { tools: [note], resumedFrom: await lostAtSlow(), continueLog: true, config: { limits: { maxNodesPerJob: 6 } } })
  await second.nextInput()
  second.answer({ ok: true })
  await second.done
  expect(second.error()).toBeUndefined()
  // Before: 'slow visits 0, both visits 1'.
  expect(second.state().content).toBe('slow visits 1, both visits 1')
})

it('a branch left behind that the new version walks to again: a new visit, listed and counted as one', async () => {
  // v2b: the route after the parallel node goes to `slow`, the question left behind.
  const v2b = defineWorkflow({
    name: 'fan',
    description: 'v2b',
    input: z.object({}),
    nodes: { both: { kind: 'parallel', branches: ['quick', 'other'] }, quick, other: question('Other?'), slow: question('Slow?'), route: { kind: 'branch', choose: () => 'slow' }, out: { kind: 'output', value: 'slow visits {{visits.slow}}' } },
    edges: [['both', 'route'], ['route', 'out'], ['route', 'slow'], ['slow', 'out']],
  })
  const second = startWorkflow(v2b, {}, { tools: [note], resumedFrom: await lostAtSlow(), continueLog: true })
  await second.nextInput()
  second.answer({ ok: true })
  await second.nextInput()
  // The attempt left behind ends (skipped) before the new visit starts, so the reducer lists that
  // visit: a takeover now counts what ran. Before: slow listed once, the visit taken for the old attempt.
  expect(second.state().executionOrder).toEqual(['both', 'quick', 'slow', 'other', 'route', 'slow'])
  expect(second.nodeLog()).toContain('skipped:slow')
  const resume = createResumePoint(second.state())
  expect({ visits: resume.visits.slow, nodesStarted: resume.nodesStarted }).toEqual({ visits: 2, nodesStarted: 6 })
  second.answer({ ok: true })
  await second.done
  expect(second.error()).toBeUndefined()
  expect(second.state().content).toBe('slow visits 2')
})
