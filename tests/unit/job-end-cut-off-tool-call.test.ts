/**
 * A tool call counts when it starts: it was made (and billed) whatever its end. A job that ended
 * while a call ran — its user's abort, its time limit — said one call fewer than it made in its
 * `job-end` metrics' `tool_call_count`, the `job ended` line's `toolCalls` and the job span's
 * `background_jobs.tool_calls`, and left the time that call ran out of `tool_execution_time_ms`
 * (`toolTimeMs`): the end is written from the metrics of the moment the job stops, and the call
 * was counted only once it returned. The same for a workflow's agent node and tool node.
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { JobMetrics } from '../../shared/events'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { useTracingPerTest } from '../support/tracing'

/** How long the slow call has run when the job stops. */
const RAN_MS = 5_000

const quick = defineTool({ name: 'quick', description: 'Answers at once', parameters: z.object({}), execute: () => 'done' })
const slow = defineTool({
  name: 'slow',
  description: 'Takes a minute',
  parameters: z.object({}),
  timeoutMs: 600_000,
  execute: async (_args, { signal }) => {
    await wait(60_000, signal)
    return 'never'
  },
})
const tools = [quick, slow]

const tracing = useTracingPerTest({ fakeTimers: true })

/** What the job's end says it spent: its event's metrics, its `job ended` line, its span. */
async function endOf(engine: ReturnType<typeof createTestEngine>['engine'], jobId: string, lines: ReturnType<typeof recordingLogger>['lines']) {
  await engine.whenSettled(jobId)
  const { state } = await engine.getJob('u1', jobId)
  const line = lines.find(entry => entry.message === 'job ended')!.fields!
  const span = tracing().named('background_jobs.job')[0]!
  return { status: state.status, metrics: state.metrics as JobMetrics, line, span: span.attributes }
}

/** Asserts two calls (a quick one, then one cut off after RAN_MS) everywhere the end reports them. */
function expectTwoCalls(end: Awaited<ReturnType<typeof endOf>>) {
  expect(end.metrics.tool_call_count).toBe(2)
  expect(end.metrics.tool_execution_time_ms).toBeGreaterThanOrEqual(RAN_MS)
  expect(end.line).toMatchObject({ toolCalls: 2, toolTimeMs: end.metrics.tool_execution_time_ms })
  expect(end.span).toMatchObject({ 'background_jobs.tool_calls': 2, 'background_jobs.tool_execution_time_ms': end.metrics.tool_execution_time_ms })
}

describe('a job that ends while a tool call runs', () => {
  const model = () => createStepModel([toolStep([{ id: 'a', name: 'quick' }]), toolStep([{ id: 'b', name: 'slow' }]), textStep('never')])

  it('counts the call cut off by the user\'s abort, and the time it ran', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({ runners: { chat: runChatJob }, model: model(), tools: createToolRegistry(tools), logger })
    const { job } = await engine.createJob('u1', { request: { ...chatRequest, tools: ['quick', 'slow'] } })
    await vi.advanceTimersByTimeAsync(RAN_MS)
    await engine.abortJob('u1', job.id)
    const end = await endOf(engine, job.id, lines)
    expect(end.status).toBe('aborted')
    expectTwoCalls(end)
    await engine.dispose()
  })

  it('counts the call cut off by the job\'s time limit, and the time it ran', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({ runners: { chat: runChatJob }, model: model(), tools: createToolRegistry(tools), logger, config: { limits: { jobTimeoutMs: RAN_MS } } })
    const { job } = await engine.createJob('u1', { request: { ...chatRequest, tools: ['quick', 'slow'] } })
    await vi.advanceTimersByTimeAsync(RAN_MS + 10)
    const end = await endOf(engine, job.id, lines)
    expect(lines.find(entry => entry.message === 'job ended')?.fields).toMatchObject({ error: 'timeout' })
    expectTwoCalls(end)
    await engine.dispose()
  })

  it.each([
    ['the user\'s abort', false],
    ['the node\'s time limit', true],
  ])('counts the calls of a workflow\'s agent node and of its tool node cut off by %s', async (_cause, nodeTimeLimit) => {
    const workflow = defineWorkflow({
      name: 'cut-off',
      description: 'An agent, then a slow tool node',
      input: z.object({}),
      nodes: {
        agent: { kind: 'agent', instructions: 'go', tools: ['quick'] },
        check: { kind: 'tool', tool: 'slow' },
        done: { kind: 'output', value: 'never' },
      },
      edges: [['agent', 'check'], ['check', 'done']],
    })
    const { logger, lines } = recordingLogger()
    const agentModel = createStepModel([toolStep([{ id: 'a', name: 'quick' }]), textStep('agent done')])
    const { engine } = createTestEngine({
      runners: { chat: runChatJob, workflow: runWorkflowJob },
      model: agentModel,
      tools: createToolRegistry(tools),
      workflows: createWorkflowRegistry([workflow], { toolNames: tools.map(tool => tool.name) }),
      logger,
      ...(nodeTimeLimit ? { config: { limits: { nodeTimeoutMs: RAN_MS } } } : {}),
    })
    const { job } = await engine.createJob('u1', { request: { type: 'workflow', workflow: 'cut-off', input: {} } })
    await vi.advanceTimersByTimeAsync(RAN_MS + (nodeTimeLimit ? 10 : 0))
    if (!nodeTimeLimit) await engine.abortJob('u1', job.id)
    const end = await endOf(engine, job.id, lines)
    expect(end.status).toBe(nodeTimeLimit ? 'failed' : 'aborted')
    if (nodeTimeLimit) expect(end.line).toMatchObject({ error: 'node-timeout', nodeId: 'check' })
    expectTwoCalls(end)
    await engine.dispose()
  })
})
