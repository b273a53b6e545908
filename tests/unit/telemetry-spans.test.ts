/**
 * OpenTelemetry spans of jobs, read from an in-memory exporter: the span tree of a chat with two
 * tool calls, of a workflow that waits for a human, of an aborted job; what the attributes say
 * and — by default — what they never say (prompts, answers, arguments, results, user ids).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { SpanStatusCode } from '@opentelemetry/api'
import { z } from 'zod'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createTestEngine, wait } from '../support/engine-harness'
import { createStepModel, hangingStep, textStep, toolStep } from '../support/step-model'
import { spanStrings, useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'
import { createWorkflowFakeModel } from '../support/workflow-fake-context'

const SECRETS = ['PROMPT-SECRET', 'ARGS-SECRET', 'RESULT-SECRET', 'ANSWER-SECRET', 'user-secret', 'INPUT-ANSWER-SECRET']

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a city up',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ found: `RESULT-SECRET for ${city}` }),
})
const sleepy = defineTool({
  name: 'sleepy',
  description: 'Takes too long',
  parameters: z.object({}),
  timeoutMs: 100,
  execute: async (_args, { signal }) => {
    await wait(10_000, signal)
    return 'never'
  },
})

const review = defineWorkflow({
  name: 'review',
  description: 'ask → two agents → done',
  input: z.object({ topic: z.string() }),
  nodes: {
    ask: { kind: 'input', prompt: 'Review {{input.topic}}?', schema: z.object({ note: z.string() }), onTimeout: 'fail' },
    fan: { kind: 'parallel', branches: ['left', 'right'] },
    left: { kind: 'agent', instructions: 'x', prompt: 'left view' },
    right: { kind: 'agent', instructions: 'x', prompt: 'right view' },
    done: { kind: 'output', value: 'reviewed' },
  },
  edges: [['ask', 'fan'], ['fan', 'done']],
})

function chatEngine(steps: Parameters<typeof createStepModel>[0], config: BackgroundJobsConfigInput = {}) {
  return createTestEngine({
    config: { limits: { toolTimeoutMs: 1_000 }, ...config },
    runners: { chat: runChatJob },
    model: createStepModel(steps),
    tools: createToolRegistry([lookup, sleepy]),
  })
}

const chatWithTools = [
  toolStep([{ id: 'call_a', name: 'lookup', args: { city: 'ARGS-SECRET' } }, { id: 'call_b', name: 'sleepy', args: {} }], { usage: { prompt: 11, completion: 3, total: 14 } }),
  textStep('ANSWER-SECRET', { prompt: 20, completion: 5, total: 25 }),
]
const prompt = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'PROMPT-SECRET' }] }

describe('job spans', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('a chat with two tool calls: job → round 1 → both tools → round 2', async () => {
    const { engine } = chatEngine(chatWithTools)
    const { job } = await engine.createJob('user-secret', { request: prompt })
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)

    expect(tracing.outline()).toEqual([
      'background_jobs.job',
      '  background_jobs.model_round round 1',
      '  background_jobs.tool_call lookup',
      '  background_jobs.tool_call sleepy',
      '  background_jobs.model_round round 2',
    ])
    const [jobSpan] = tracing.named('background_jobs.job')
    expect(jobSpan!.attributes).toMatchObject({
      'background_jobs.job.id': job.id,
      'background_jobs.job.type': 'chat',
      'background_jobs.job.model': 'openai/gpt-4o-mini',
      'background_jobs.job.status': 'completed',
      'background_jobs.rounds': 2,
      'background_jobs.tool_calls': 2,
      'background_jobs.tokens.total': 39,
      'background_jobs.run.resumed': false,
    })
    expect(jobSpan!.attributes['background_jobs.time_to_first_token_ms']).toEqual(expect.any(Number))
    expect(jobSpan!.status.code).toBe(SpanStatusCode.UNSET)

    const rounds = tracing.named('background_jobs.model_round')
    expect(rounds.map(span => span.attributes)).toEqual([
      expect.objectContaining({ 'gen_ai.request.model': 'openai/gpt-4o-mini', 'gen_ai.usage.input_tokens': 11, 'gen_ai.usage.output_tokens': 3, 'gen_ai.response.finish_reasons': ['tool_calls'], 'background_jobs.tool_calls': 2, 'background_jobs.tools_offered': 2 }),
      expect.objectContaining({ 'gen_ai.usage.input_tokens': 20, 'gen_ai.response.finish_reasons': ['stop'], 'background_jobs.tool_calls': 0 }),
    ])
    for (const round of rounds) expect(round.attributes['background_jobs.time_to_first_token_ms']).toEqual(expect.any(Number))

    const tools = Object.fromEntries(tracing.named('background_jobs.tool_call').map(span => [span.attributes['gen_ai.tool.name'], span]))
    expect(tools.lookup!.attributes).toMatchObject({ 'gen_ai.tool.call.id': 'call_a', 'background_jobs.tool.status': 'completed', 'background_jobs.tool.timed_out': false, 'background_jobs.tool.denied': false, 'background_jobs.tool.isolated': false })
    expect(tools.lookup!.status.code).toBe(SpanStatusCode.UNSET)
    expect(tools.sleepy!.attributes).toMatchObject({ 'background_jobs.tool.status': 'timeout', 'background_jobs.tool.timed_out': true, 'background_jobs.tool.duration_ms': 100, 'error.type': 'tool-timeout' })
    expect(tools.sleepy!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'tool-timeout' })

    // One trace: every step is in the job's trace.
    expect(new Set(tracing.spans().map(span => span.spanContext().traceId)).size).toBe(1)
    // Nothing the user or the model wrote, and no user id.
    for (const span of tracing.spans()) {
      for (const secret of SECRETS) expect(spanStrings(span).join(' ')).not.toContain(secret)
    }
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
  })

  it('a workflow that waits for input: node spans (parallel branches nested), wait events on the job', async () => {
    const { engine } = createTestEngine({
      runners: { chat: runChatJob, workflow: runWorkflowJob },
      model: createWorkflowFakeModel(),
      workflows: createWorkflowRegistry([review]),
    })
    const { job } = await engine.createJob('user-secret', { request: { type: 'workflow', workflow: 'review', input: { topic: 'PROMPT-SECRET' } } })
    await vi.advanceTimersByTimeAsync(100)
    const { state } = await engine.getJob('user-secret', job.id)
    expect(state.status).toBe('waiting')
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.answerInput('user-secret', job.id, { requestId: state.pendingInputs[0]!.requestId, answer: { note: 'INPUT-ANSWER-SECRET' } })
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)

    expect(tracing.outline()).toEqual([
      'background_jobs.job',
      '  background_jobs.workflow_node ask',
      '  background_jobs.workflow_node fan',
      '    background_jobs.workflow_node left',
      '      background_jobs.model_round round 1',
      '    background_jobs.workflow_node right',
      '      background_jobs.model_round round 1',
      '  background_jobs.workflow_node done',
    ])
    const [jobSpan] = tracing.named('background_jobs.job')
    expect(jobSpan!.attributes).toMatchObject({ 'background_jobs.job.type': 'workflow', 'background_jobs.workflow.name': 'review', 'background_jobs.job.status': 'completed', 'background_jobs.nodes_executed': 5 })
    const events: Array<Record<string, unknown>> = jobSpan!.events.map(event => ({ name: event.name, ...event.attributes }))
    expect(events).toEqual([
      expect.objectContaining({ 'name': 'background_jobs.input.requested', 'background_jobs.input.kind': 'workflow-input', 'background_jobs.node.id': 'ask', 'background_jobs.input.on_timeout': 'fail' }),
      expect.objectContaining({ 'name': 'background_jobs.input.answered', 'background_jobs.node.id': 'ask', 'background_jobs.input.wait_ms': expect.any(Number) }),
    ])
    expect(events[1]!['background_jobs.input.wait_ms']).toBeGreaterThanOrEqual(2_000)
    expect(events[1]).not.toHaveProperty('background_jobs.input.answered_by')
    const nodes = tracing.named('background_jobs.workflow_node')
    expect(nodes.every(span => span.attributes['background_jobs.node.status'] === 'completed')).toBe(true)
    expect(nodes.find(span => span.attributes['background_jobs.node.id'] === 'fan')!.attributes).toMatchObject({ 'background_jobs.node.kind': 'parallel', 'background_jobs.workflow.name': 'review', 'background_jobs.node.visit': 1 })
    for (const span of tracing.spans()) {
      for (const secret of SECRETS) expect(spanStrings(span).join(' ')).not.toContain(secret)
    }
  })

  it('an aborted job: abort event on the job span, the round that was streaming ends aborted', async () => {
    const { engine } = chatEngine([hangingStep()])
    const { job } = await engine.createJob('u1', { request: prompt })
    await vi.advanceTimersByTimeAsync(100)
    await engine.abortJob('u1', job.id)
    await engine.whenSettled(job.id)

    expect(tracing.outline()).toEqual(['background_jobs.job', '  background_jobs.model_round round 1'])
    const [jobSpan] = tracing.named('background_jobs.job')
    expect(jobSpan!.attributes).toMatchObject({ 'background_jobs.job.status': 'aborted', 'background_jobs.error.code': 'aborted' })
    expect(jobSpan!.events.map(event => [event.name, event.attributes])).toEqual([['background_jobs.abort', { 'background_jobs.abort.code': 'aborted' }]])
    // A user's abort is not an error of the job.
    expect(jobSpan!.status.code).toBe(SpanStatusCode.UNSET)
    const [round] = tracing.named('background_jobs.model_round')
    expect(round!.attributes).toMatchObject({ 'background_jobs.aborted': true, 'error.type': 'aborted' })
  })

  it('a failed job: status ERROR with the code, never the message', async () => {
    const { engine } = chatEngine([new Error('upstream said PROMPT-SECRET')])
    const { job } = await engine.createJob('u1', { request: prompt })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    const [jobSpan] = tracing.named('background_jobs.job')
    expect(jobSpan!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'upstream-error' })
    expect(jobSpan!.attributes).toMatchObject({ 'background_jobs.job.status': 'failed', 'error.type': 'upstream-error', 'background_jobs.error.failed_during': 'model' })
    const [round] = tracing.named('background_jobs.model_round')
    expect(round!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'upstream-error' })
    for (const span of tracing.spans()) expect(spanStrings(span).join(' ')).not.toContain('PROMPT-SECRET')
  })

  it('with telemetry.recordContent and recordUserId, content (cut to maxContentChars) and the user id are recorded', async () => {
    const { engine } = chatEngine(chatWithTools, { telemetry: { recordContent: true, recordUserId: true, maxContentChars: 40 } })
    const { job } = await engine.createJob('user-secret', { request: prompt })
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)
    const [jobSpan] = tracing.named('background_jobs.job')
    expect(jobSpan!.attributes).toMatchObject({ 'user.id': 'user-secret', 'background_jobs.content.input': 'PROMPT-SECRET', 'background_jobs.content.output': 'ANSWER-SECRET' })
    const lookupSpan = tracing.named('background_jobs.tool_call').find(span => span.attributes['gen_ai.tool.name'] === 'lookup')!
    expect(lookupSpan.attributes['background_jobs.content.input']).toBe('{"city":"ARGS-SECRET"}')
    expect(lookupSpan.attributes['background_jobs.content.output']).toBe(`${'{"found":"RESULT-SECRET for ARGS-SECRET"}'.slice(0, 40)}…`)
  })

  it('telemetry.enabled = false: no spans, even with an SDK', async () => {
    const { engine } = chatEngine(chatWithTools, { telemetry: { enabled: false } })
    const { job } = await engine.createJob('u1', { request: prompt })
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)
    expect(tracing.spans()).toEqual([])
    expect((await engine.getJob('u1', job.id)).state.status).toBe('completed')
  })
})

describe('job spans without an SDK', () => {
  it('records nothing and stores no trace context', async () => {
    const { engine, provider } = chatEngine(chatWithTools)
    const { job } = await engine.createJob('u1', { request: prompt })
    await engine.whenSettled(job.id)
    expect((await engine.getJob('u1', job.id)).state.status).toBe('completed')
    expect((await provider.get(job.id))!.request.trace).toBeUndefined()
  })
})
