import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { JobEvent } from '../../shared/events'
import { JobFailure } from '../../server/lib/run-context'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'
import type { WorkflowState } from '../../server/lib/workflows/define'
import { startWorkflow } from '../support/workflow-fake-context'

type Edges = Array<[string, string]>

function workflow(nodes: Record<string, unknown>, edges: Edges) {
  return { name: 'limits', description: 't', input: z.object({}), nodes, edges }
}

/** A tool that counts its runs, so a test can prove a node did not run again. */
function countingTool() {
  const runs: Record<string, number> = {}
  const tool = defineTool({
    name: 'count',
    description: 'counts',
    parameters: z.object({ label: z.string() }),
    execute: ({ label }) => {
      runs[label] = (runs[label] ?? 0) + 1
      return `${label}#${runs[label]}`
    },
  })
  return { tool, runs }
}

/** A tool that never answers (it ignores its signal on purpose). */
const stuck = defineTool({
  name: 'stuck',
  description: 'never answers',
  parameters: z.object({}),
  execute: () => new Promise(() => {}),
  timeoutMs: 10_000_000,
})

afterEach(() => {
  vi.useRealTimers()
})

describe('workflow limits', () => {
  it('fails naming limits.maxNodesPerJob and keeps the nodes that ran', async () => {
    const { tool } = countingTool()
    const job = startWorkflow(workflow({
      step: { kind: 'tool', tool: 'count', args: { label: 'step' } },
      again: { kind: 'branch', choose: () => 'step' as string },
      done: { kind: 'output', value: 'never' },
    }, [['step', 'again'], ['again', 'step'], ['again', 'done']]), {}, { tools: [tool], config: { limits: { maxNodesPerJob: 3 } } })
    await job.done
    const error = job.error() as JobFailure
    expect(error).toBeInstanceOf(JobFailure)
    expect(error.code).toBe('max-nodes')
    expect(error.message).toBe('Workflow "limits" reached limits.maxNodesPerJob (3) before node "again"')
    expect(error.details).toEqual({ failedDuring: 'workflow-node', nodeId: 'again' })
    expect(job.state().executionOrder).toEqual(['step', 'again', 'step'])
    expect(job.state().nodeStates.step!.output).toBe('step#2')
    expect(job.metrics.nodes_executed).toBe(3)
  })

  it('fails a node that runs longer than limits.nodeTimeoutMs, naming the limit', async () => {
    vi.useFakeTimers()
    const job = startWorkflow(workflow({
      slow: { kind: 'tool', tool: 'stuck' },
      done: { kind: 'output', value: 'never' },
    }, [['slow', 'done']]), {}, { tools: [stuck], config: { limits: { nodeTimeoutMs: 5_000, toolTimeoutMs: 10_000_000 } } })
    await vi.advanceTimersByTimeAsync(4_999)
    expect(job.state().nodeStates.slow!.status).toBe('running')
    await vi.advanceTimersByTimeAsync(1)
    await job.done
    expect(job.error()).toMatchObject({
      code: 'node-timeout',
      message: 'Node "slow" ran longer than limits.nodeTimeoutMs (5000 ms)',
      details: { failedDuring: 'workflow-node', nodeId: 'slow' },
    })
    expect(job.state().nodeStates.slow).toMatchObject({ status: 'failed', error: 'Node "slow" ran longer than limits.nodeTimeoutMs (5000 ms)' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('does not count a human wait against limits.nodeTimeoutMs', async () => {
    vi.useFakeTimers()
    const job = startWorkflow(workflow({
      ask: { kind: 'input', prompt: 'name?', schema: z.string(), timeoutMs: 60_000 },
      done: { kind: 'output', value: 'hi {{outputs.ask}}' },
    }, [['ask', 'done']]), {}, { config: { limits: { nodeTimeoutMs: 1_000 } } })
    await job.nextInput()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(job.state().status).toBe('waiting')
    job.answer('Ada')
    await job.done
    expect(job.state().content).toBe('hi Ada')
  })
})

describe('workflow resume', () => {
  const chain = () => workflow({
    first: { kind: 'tool', tool: 'count', args: { label: 'first' } },
    ask: { kind: 'input', prompt: 'go on?', schema: z.boolean() },
    second: { kind: 'tool', tool: 'count', args: (state: WorkflowState) => ({ label: `second after ${String(state.outputs.first)}` }) },
    done: { kind: 'output', value: 'Done: {{outputs.second}}' },
  }, [['first', 'ask'], ['ask', 'second'], ['second', 'done']])

  /** The job's state as a durable provider would have it: every event up to the one matching `until`. */
  function logUntil(events: JobEvent[], until: (event: JobEvent) => boolean) {
    const index = events.findIndex(until)
    return reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0 }), events.slice(0, index + 1))
  }

  it('skips completed nodes and reuses their outputs, so a finished node never runs twice', async () => {
    const original = countingTool()
    const first = startWorkflow(chain(), {}, { tools: [original.tool] })
    await first.nextInput()
    first.answer(true)
    await first.done
    // The instance died right after `second` finished, before `done` ran.
    const resumedFrom = logUntil(first.events, event => event.type === 'node-end' && event.nodeId === 'second')

    const counter = countingTool()
    const resumed = startWorkflow(chain(), {}, { tools: [counter.tool], resumedFrom })
    await resumed.done
    expect(resumed.error()).toBeUndefined()
    expect(counter.runs).toEqual({})
    expect(resumed.nodeLog()).toEqual(['start:done', 'completed:done'])
    expect(resumed.state().content).toBe('Done: second after first#1#1')
  })

  it('runs again a node that was cut off, and asks again for an input that was not answered', async () => {
    const original = countingTool()
    const first = startWorkflow(chain(), {}, { tools: [original.tool] })
    await first.nextInput()
    first.abort()
    await first.done
    const resumedFrom = logUntil(first.events, event => event.type === 'input-request')

    const counter = countingTool()
    const resumed = startWorkflow(chain(), {}, { tools: [counter.tool], resumedFrom })
    await resumed.nextInput()
    expect(resumed.nodeLog()).toEqual(['start:ask'])
    resumed.answer(true)
    await resumed.done
    expect(counter.runs).toEqual({ 'second after first#1': 1 })
    expect(resumed.state().content).toBe('Done: second after first#1#1')
  })

  it('resumes a loop at its latest visit instead of replaying every round', async () => {
    const { tool, runs } = countingTool()
    const looping = () => workflow({
      step: { kind: 'tool', tool: 'count', args: { label: 'step' } },
      again: { kind: 'branch', choose: (state: WorkflowState) => ((state.visits.step ?? 0) < 3 ? 'step' : 'done') },
      done: { kind: 'output', value: '{{outputs.step}} after {{visits.step}} visits' },
    }, [['step', 'again'], ['again', 'step'], ['again', 'done']])
    const first = startWorkflow(looping(), {}, { tools: [tool] })
    await first.done
    expect(first.state().content).toBe('step#3 after 3 visits')
    // Cut off after the second round of `step` finished.
    let seen = 0
    const resumedFrom = logUntil(first.events, event => event.type === 'node-end' && event.nodeId === 'step' && ++seen === 2)

    const resumed = startWorkflow(looping(), {}, { tools: [tool], resumedFrom })
    await resumed.done
    expect(runs.step).toBe(4)
    // `step` (round 2) is reused; the branch's round 2 never ran before the cut (its recorded
    // decision is round 1's), so it runs, then round 3 runs for real.
    expect(resumed.nodeLog()).toEqual(['start:again', 'completed:again', 'start:step', 'completed:step', 'start:again', 'completed:again', 'start:done', 'completed:done'])
    expect(resumed.state().content).toBe('step#4 after 3 visits')
  })

  it('a branch whose recorded choice is no longer one of its edge targets (the workflow changed in a deploy) chooses again', async () => {
    const version = (target: string) => workflow({
      pick: { kind: 'branch', choose: () => target },
      [target]: { kind: 'input', prompt: `${target}?`, schema: z.boolean() },
      confirm: { kind: 'input', prompt: 'Sure?', schema: z.boolean() },
      done: { kind: 'output', value: 'Done after {{outputs.pick}}' },
    }, [['pick', target], [target, 'confirm'], ['confirm', 'done']])
    const first = startWorkflow(version('review'), {})
    await first.nextInput()
    first.answer(true)
    await vi.waitFor(() => expect(first.state().pendingInputs[0]?.nodeId).toBe('confirm'))
    first.abort()
    await first.done
    // The job waited at `confirm`, past `review`, when its instance went; the new version calls
    // that step `approve`. (A job waiting at the renamed step itself ends workflow-changed:
    // workflow-resume-changed-graph.)
    const resumedFrom = logUntil(first.events, event => event.type === 'input-request' && event.nodeId === 'confirm')

    const resumed = startWorkflow(version('approve'), {}, { resumedFrom })
    await resumed.nextInput()
    resumed.answer(true)
    await vi.waitFor(() => expect(resumed.state().pendingInputs[0]?.nodeId).toBe('confirm'))
    resumed.answer(true)
    await resumed.done
    expect(resumed.error()).toBeUndefined()
    // `confirm`, reached past a step run for real, is a new visit: the attempt the owner was lost in ends first.
    expect(resumed.nodeLog()).toEqual(['start:pick', 'completed:pick', 'start:approve', 'completed:approve', 'skipped:confirm', 'start:confirm', 'completed:confirm', 'start:done', 'completed:done'])
    expect(resumed.state().content).toBe('Done after approve')
  })
  it('a tool node cut off mid-call and run again after a takeover: the cut-off call ends as an error saying so, the new call gets its own id', async () => {
    let hold = true
    const flaky = defineTool({
      name: 'fetch',
      description: 'hangs on the first instance',
      parameters: z.object({}),
      execute: () => (hold ? new Promise(() => {}) : 'fetched'),
      timeoutMs: 10_000_000,
    })
    const definition = () => workflow({
      get: { kind: 'tool', tool: 'fetch' },
      done: { kind: 'output', value: '{{outputs.get}}' },
    }, [['get', 'done']])
    const first = startWorkflow(definition(), {}, { tools: [flaky] })
    await vi.waitFor(() => expect(first.state().toolCalls).toHaveLength(1))
    first.abort()
    await first.done
    const resumedFrom = logUntil(first.events, event => event.type === 'tool-call')

    hold = false
    const resumed = startWorkflow(definition(), {}, { tools: [flaky], resumedFrom, continueLog: true })
    await resumed.done
    expect(resumed.error()).toBeUndefined()
    // The cut-off call ends as an error saying so; the node's new call has its own id and result.
    expect(resumed.state().toolCalls.map(call => [call.id, call.status, call.result ?? call.error])).toEqual([
      ['get-1', 'error', 'The tool "fetch" was interrupted: the server running this job stopped before it answered; node "get" runs again'],
      ['get-1-attempt-2', 'completed', 'fetched'],
    ])
    expect(resumed.state().content).toBe('fetched')
  })
})
