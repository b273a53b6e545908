/**
 * Spans across instances (two engines on one convex-test backend): a job resumed or ended by
 * another instance gets a job span of its own there, linked to the first run's span through the
 * span context stored with the job, with a takeover event; the run that lost the job ends its
 * span with a hand-off event.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { SpanStatusCode } from '@opentelemetry/api'
import { wait } from '../support/engine-harness'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import type { Backend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
function createNode(backend: Backend, instanceId: string, chat?: JobRunners['chat'], wrap?: (provider: JobProvider) => JobProvider) {
  return createEngineNode(backend, { instanceId, config, chat, wrap })
}

const byInstance = (tracing: TestTracing, instanceId: string) =>
  tracing.named('background_jobs.job').filter(span => span.attributes['background_jobs.instance.id'] === instanceId)

describe('job spans across instances', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('a workflow handed off by A and resumed by B: B\'s span links to A\'s first run', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A')
    const b = createNode(backend, 'B')
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(100)
    await a.engine.dispose() // workflows are handed off at shutdown
    expect(await b.engine.recover()).toBe(1)
    await vi.advanceTimersByTimeAsync(100)
    const { state } = await b.engine.getJob('u1', job.id)
    await b.engine.answerInput('u1', job.id, { requestId: state.pendingInputs[0]!.requestId, answer: { go: true } })
    await vi.advanceTimersByTimeAsync(100)
    await b.engine.whenSettled(job.id)
    await b.engine.dispose()

    const [first] = byInstance(tracing, 'A')
    const [resumed] = byInstance(tracing, 'B')
    expect(first!.attributes).toMatchObject({ 'background_jobs.job.id': job.id, 'background_jobs.run.outcome': 'handed-off', 'background_jobs.run.epoch': 1, 'background_jobs.run.resumed': false })
    expect(first!.events.map(event => event.name)).toEqual(['background_jobs.input.requested', 'background_jobs.handoff'])
    // A's question node stopped because the job moved: handed off, not an error of that node.
    const handedOff = tracing.named('background_jobs.workflow_node').filter(span => span.parentSpanContext?.spanId === first!.spanContext().spanId)
    expect(handedOff.map(span => [span.attributes['background_jobs.node.id'], span.attributes['background_jobs.run.outcome'], span.status.code])).toEqual([['ask', 'handed-off', SpanStatusCode.UNSET]])
    const { traceId, spanId } = first!.spanContext()
    expect((await b.provider.get(job.id))!.request.trace).toEqual({ traceparent: `00-${traceId}-${spanId}-01` })

    expect(resumed!.attributes).toMatchObject({ 'background_jobs.job.id': job.id, 'background_jobs.job.status': 'completed', 'background_jobs.run.resumed': true, 'background_jobs.run.epoch': 2 })
    expect(resumed!.links).toEqual([{ context: { traceId, spanId, traceFlags: 1, isRemote: true }, attributes: { 'background_jobs.link': 'first-run' } }])
    expect(resumed!.events.map(event => [event.name, event.attributes])).toEqual([
      ['background_jobs.takeover', { 'background_jobs.run.epoch': 2, 'background_jobs.instance.id': 'B', 'background_jobs.run.from_seq': expect.any(Number) }],
      // The question A asked is void; B asks again and gets the answer.
      ['background_jobs.input.cancelled', expect.objectContaining({ 'background_jobs.input.answered_by': 'system:owner-lost' })],
      ['background_jobs.input.requested', expect.any(Object)],
      ['background_jobs.input.answered', expect.any(Object)],
    ])
    // B's node spans are children of B's job span.
    const nodes = tracing.named('background_jobs.workflow_node').filter(span => span.parentSpanContext?.spanId === resumed!.spanContext().spanId)
    expect(nodes.map(span => span.attributes['background_jobs.node.id'])).toEqual(['ask', 'done'])
  })

  it('a chat job whose owner was lost: B ends it with a short owner-lost span linked to A\'s run', async () => {
    const backend = createBackend()
    // A stuck owner: its heartbeats claim success but never reach the store.
    const a = createNode(backend, 'A', async (context) => {
      for (;;) {
        await wait(20, context.signal)
        context.text('w ')
      }
    }, provider => ({ ...provider, heartbeatLease: async () => true }))
    const b = createNode(backend, 'B')
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    await vi.advanceTimersByTimeAsync(4_500) // past the 3 s lease: B's recovery takes over
    await vi.advanceTimersByTimeAsync(2_000) // A's refused writes make it stop
    await a.engine.whenSettled(job.id)
    await Promise.all([a.engine.dispose(), b.engine.dispose()])

    const [first] = byInstance(tracing, 'A')
    const [ended] = byInstance(tracing, 'B')
    expect(first!.attributes['background_jobs.run.outcome']).toBe('handed-off')
    expect(ended!.attributes).toMatchObject({ 'background_jobs.job.id': job.id, 'background_jobs.job.status': 'failed', 'error.type': 'owner-lost', 'background_jobs.run.resumed': true })
    expect(ended!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'owner-lost' })
    expect(ended!.links[0]!.context.spanId).toBe(first!.spanContext().spanId)
    expect(ended!.events.map(event => event.name)).toEqual(['background_jobs.takeover'])
  })
})
