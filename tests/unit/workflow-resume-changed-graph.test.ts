/**
 * A deploy changed a workflow's nodes while a job of it waited for a human answer (or ran) on an
 * instance that then stopped: the instance that takes the job over runs it against the new
 * definition (docs/workflows.md, "Restart safety"). Finished nodes are matched by id, not by
 * position: reordered, they are reused, not run again (before, a finished node the new order put
 * behind another finished one ran again: an outside effect twice); a node the new version added
 * runs; a finished node renamed is a new node and runs. A node the job was waiting in (or was
 * running) that the new version removed or renamed leaves no place to go on from: the job ends
 * `failed`, code `workflow-changed`, naming the node, before any node runs (before, the walk went
 * past it: the question was never answered, the job completed as if it had been).
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import { JobFailure } from '../../server/lib/run-context'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const runs: string[] = []
const record = defineTool({ name: 'record', description: 'records a step (an outside effect)', parameters: z.object({ step: z.string() }), execute: ({ step }) => { runs.push(step); return step } })

/** A tool node that records `step` each time it runs. */
const step = (name: string) => ({ kind: 'tool', tool: 'record', args: { step: name } }) as const
const ask = { kind: 'input', prompt: 'Ship it?', schema: z.object({ ok: z.boolean() }) } as const

/** v1 of the workflow: reserve → charge → ask → out. */
const v1 = defineWorkflow({
  name: 'order',
  description: 'v1',
  input: z.object({}),
  nodes: { reserve: step('reserve'), charge: step('charge'), ask, out: { kind: 'output', value: 'done {{outputs.ask.ok}}' } },
  edges: [['reserve', 'charge'], ['charge', 'ask'], ['ask', 'out']],
})

/** A v2 deployed while a v1 job waited at `ask`. */
function v2(nodes: Record<string, unknown>, edges: Array<[string, string]>, start?: string) {
  return defineWorkflow({ name: 'order', description: 'v2', input: z.object({}), ...(start ? { start } : {}), nodes: nodes as never, edges })
}

/** The state the new owner reads: the question the lost owner left open voided, as the takeover does. */
function takenOver(state: JobState): JobState {
  const open = state.pendingInputs[0]!
  return reduceEvents(state, [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: state.seq + 1, at: 0 }])
}

/** Runs v1 until it waits at `ask`, then stops it as a lost owner; the state another instance resumes from. */
async function waitingAtAsk(): Promise<JobState> {
  runs.length = 0
  const old = startWorkflow(v1, {}, { tools: [record] })
  await old.nextInput()
  const resumedFrom = takenOver(old.state())
  old.abort()
  await old.done
  expect(runs).toEqual(['reserve', 'charge'])
  return resumedFrom
}

/** Resumes on `definition`, answers the question if one is asked, and returns the run. */
async function resumeOn(definition: ReturnType<typeof v2>, resumedFrom: JobState) {
  const resumed = startWorkflow(definition, {}, { tools: [record], resumedFrom })
  const asked = await Promise.race([resumed.nextInput().then(() => true), resumed.done.then(() => false)])
  if (asked) resumed.answer({ ok: true })
  await resumed.done
  return resumed
}

describe('a job waiting at a question, resumed after a deploy changed the workflow', () => {
  it('reordered: the finished nodes are matched by id and reused, not run again', async () => {
    const resumedFrom = await waitingAtAsk()
    const resumed = await resumeOn(v2(
      { charge: step('charge'), reserve: step('reserve'), ask, out: { kind: 'output', value: 'done {{outputs.ask.ok}}' } },
      [['charge', 'reserve'], ['reserve', 'ask'], ['ask', 'out']],
      'charge',
    ), resumedFrom)
    expect(resumed.error()).toBeUndefined()
    expect(runs).toEqual(['reserve', 'charge'])
    expect(resumed.nodeLog()).toEqual(['start:ask', 'completed:ask', 'start:out', 'completed:out'])
    expect(resumed.state().content).toBe('done true')
  })

  it('a finished node removed: the others are reused and the question asked again', async () => {
    const resumedFrom = await waitingAtAsk()
    const resumed = await resumeOn(v2(
      { reserve: step('reserve'), ask, out: { kind: 'output', value: 'done {{outputs.ask.ok}}' } },
      [['reserve', 'ask'], ['ask', 'out']],
    ), resumedFrom)
    expect(resumed.error()).toBeUndefined()
    expect(runs).toEqual(['reserve', 'charge'])
    expect(resumed.nodeLog()).toEqual(['start:ask', 'completed:ask', 'start:out', 'completed:out'])
  })

  it('a node added after the question: it runs once the answer comes; nothing finished runs again', async () => {
    const resumedFrom = await waitingAtAsk()
    const resumed = await resumeOn(v2(
      { reserve: step('reserve'), charge: step('charge'), ask, ship: step('ship'), out: { kind: 'output', value: 'done {{outputs.ask.ok}}' } },
      [['reserve', 'charge'], ['charge', 'ask'], ['ask', 'ship'], ['ship', 'out']],
    ), resumedFrom)
    expect(resumed.error()).toBeUndefined()
    expect(runs).toEqual(['reserve', 'charge', 'ship'])
    expect(resumed.nodeLog()).toEqual(['start:ask', 'completed:ask', 'start:ship', 'completed:ship', 'start:out', 'completed:out'])
  })

  it('a finished node renamed: it is a new node under its new id and runs', async () => {
    const resumedFrom = await waitingAtAsk()
    const resumed = await resumeOn(v2(
      { reserve: step('reserve'), pay: step('charge'), ask, out: { kind: 'output', value: 'done {{outputs.ask.ok}}' } },
      [['reserve', 'pay'], ['pay', 'ask'], ['ask', 'out']],
    ), resumedFrom)
    expect(resumed.error()).toBeUndefined()
    expect(runs).toEqual(['reserve', 'charge', 'charge'])
    expect(resumed.nodeLog()).toEqual(['start:pay', 'completed:pay', 'start:ask', 'completed:ask', 'start:out', 'completed:out'])
  })

  it.each([
    ['removed', { reserve: step('reserve'), charge: step('charge'), out: { kind: 'output', value: 'done' } }, [['reserve', 'charge'], ['charge', 'out']]],
    ['renamed', { reserve: step('reserve'), charge: step('charge'), confirm: ask, out: { kind: 'output', value: 'done' } }, [['reserve', 'charge'], ['charge', 'confirm'], ['confirm', 'out']]],
  ] as Array<[string, Record<string, unknown>, Array<[string, string]>]>)('the node it waited in %s: the job fails workflow-changed naming the node, and runs nothing', async (_, nodes, edges) => {
    const resumedFrom = await waitingAtAsk()
    const resumed = await resumeOn(v2(nodes, edges), resumedFrom)
    const error = resumed.error()
    expect(error).toBeInstanceOf(JobFailure)
    expect((error as JobFailure).code).toBe('workflow-changed')
    expect((error as JobFailure).details.nodeId).toBe('ask')
    expect((error as JobFailure).message).toMatch(/"ask"/)
    expect((error as JobFailure).message).toMatch(/workflow "order" changed/i)
    expect(resumed.nodeLog()).toEqual([])
    expect(runs).toEqual(['reserve', 'charge'])
  })
})

describe('a job interrupted while a node ran, resumed after a deploy removed that node', () => {
  it('fails workflow-changed naming the node it was running, and runs nothing', async () => {
    const hanging = defineTool({ name: 'sync', description: 'hangs on the first instance', parameters: z.object({}), execute: () => new Promise(() => {}), timeoutMs: 10_000_000 })
    const first = startWorkflow(defineWorkflow({
      name: 'order',
      description: 'v1',
      input: z.object({}),
      nodes: { sync: { kind: 'tool', tool: 'sync' }, out: { kind: 'output', value: 'done' } },
      edges: [['sync', 'out']],
    }), {}, { tools: [hanging] })
    await vi.waitFor(() => expect(first.state().toolCalls).toHaveLength(1))
    const resumedFrom = first.state()
    first.abort()
    await first.done

    const resumed = await resumeOn(v2({ out: { kind: 'output', value: 'done' } }, [], 'out'), resumedFrom)
    const error = resumed.error() as JobFailure
    expect(error.code).toBe('workflow-changed')
    expect(error.details.nodeId).toBe('sync')
    expect(error.message).toMatch(/changed while this job was running node "sync"/)
    expect(resumed.nodeLog()).toEqual([])
  })
})

describe('a job waiting for a tool call\'s approval, resumed after a deploy removed that node', () => {
  it('fails workflow-changed saying it waited for an answer there, not that it was running', async () => {
    const deploy = defineTool({ name: 'deploy', description: 'needs approval', parameters: z.object({}), needsApproval: true, execute: () => 'deployed' })
    const first = startWorkflow(defineWorkflow({
      name: 'order',
      description: 'v1',
      input: z.object({}),
      nodes: { release: { kind: 'tool', tool: 'deploy' }, out: { kind: 'output', value: 'done' } },
      edges: [['release', 'out']],
    }), {}, { tools: [deploy] })
    await first.nextInput()
    const resumedFrom = takenOver(first.state())
    first.abort()
    await first.done

    const resumed = await resumeOn(v2({ out: { kind: 'output', value: 'done' } }, [], 'out'), resumedFrom)
    const error = resumed.error() as JobFailure
    expect(error.code).toBe('workflow-changed')
    expect(error.details.nodeId).toBe('release')
    expect(error.message).toMatch(/changed while this job waited for an answer at node "release"/)
    expect(resumed.nodeLog()).toEqual([])
  })
})
