/**
 * Trace context of jobs: a job created while a request span is active links to that request (and
 * is not its child: a job outlives its request); its first run's span context is stored with the
 * job in W3C `traceparent` form, and only a well-formed one is read back.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { context, trace, TraceFlags } from '@opentelemetry/api'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { fromTraceContext, toTraceContext } from '../../server/lib/telemetry/trace-context'
import { createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep } from '../support/step-model'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'

const prompt = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

describe('job trace context', () => {
  const useTracing = useTracingPerTest()
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('a job created inside a traced request links to the request span and stores its own span context', async () => {
    const { engine, provider } = createTestEngine({ runners: { chat: runChatJob }, model: createStepModel([textStep('hello')]) })
    const requestSpan = trace.getTracer('test').startSpan('POST /api/jobs')
    const { job } = await context.with(trace.setSpan(context.active(), requestSpan), () => engine.createJob('u1', { request: prompt }))
    requestSpan.end()
    await engine.whenSettled(job.id)

    const [jobSpan] = tracing.named('background_jobs.job')
    expect(jobSpan!.parentSpanContext).toBeUndefined()
    expect(jobSpan!.spanContext().traceId).not.toBe(requestSpan.spanContext().traceId)
    expect(jobSpan!.links).toEqual([{ context: requestSpan.spanContext(), attributes: { 'background_jobs.link': 'request' } }])
    // The steps are the job's children, not the request's.
    const [round] = tracing.named('background_jobs.model_round')
    expect(round!.parentSpanContext?.spanId).toBe(jobSpan!.spanContext().spanId)
    const { traceId, spanId } = jobSpan!.spanContext()
    expect((await provider.get(job.id))!.request.trace).toEqual({ traceparent: `00-${traceId}-${spanId}-01` })
  })

  it('with no active span, a job links to the trace context its request carried (traceparent), and ignores a malformed one', async () => {
    const { engine } = createTestEngine({ runners: { chat: runChatJob }, model: createStepModel([textStep('hello')]) })
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
    const first = await engine.createJob('u1', { request: prompt, traceparent })
    const second = await engine.createJob('u1', { request: prompt, traceparent: '00-zz-not-a-trace' })
    await engine.whenSettled(first.job.id)
    await engine.whenSettled(second.job.id)
    const spanOf = (id: string) => tracing.named('background_jobs.job').find(span => span.attributes['background_jobs.job.id'] === id)
    const [firstSpan, secondSpan] = [spanOf(first.job.id), spanOf(second.job.id)]
    expect(firstSpan!.links).toEqual([{ context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true }, attributes: { 'background_jobs.link': 'request' } }])
    expect(secondSpan!.links).toEqual([])
  })

  it('a job created outside any request has no links', async () => {
    const { engine } = createTestEngine({ runners: { chat: runChatJob }, model: createStepModel([textStep('hello')]) })
    const { job } = await engine.createJob('u1', { request: prompt })
    await engine.whenSettled(job.id)
    expect(tracing.named('background_jobs.job')[0]!.links).toEqual([])
  })
})

describe('stored trace context', () => {
  const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED }

  it('round-trips through traceparent', () => {
    expect(toTraceContext(spanContext)).toEqual({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })
    expect(fromTraceContext(toTraceContext(spanContext))).toEqual({ ...spanContext, isRemote: true })
  })

  it.each([
    undefined,
    null,
    'x',
    { traceparent: 42 },
    { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331' },
    { traceparent: '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    { traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' },
    { traceparent: '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01' },
  ])('reads %j as no context', (value) => {
    expect(fromTraceContext(value)).toBeNull()
  })
})
