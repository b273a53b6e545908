/**
 * A job outlives the request that created it, so its span is a root span linked to that request
 * (docs/observability.md). Its lease heartbeat — a store call every `lease.heartbeatMs` for as long
 * as the job runs — was armed in the creating request's async context all the same: with HTTP
 * tracing, every beat (and the span a store client's instrumentation makes for it) became a child
 * of that `POST /api/jobs`, long after it had answered. A run's own timers now start outside the
 * request's trace.
 */
import { context, trace } from '@opentelemetry/api'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { installTracing } from '../support/tracing'
import type { TestTracing } from '../support/tracing'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 300, heartbeatMs: 10 } })

describe('a job\'s lease heartbeat and trace context', () => {
  let tracing: TestTracing
  beforeEach(() => {
    tracing = installTracing()
  })
  afterEach(async () => {
    await tracing.uninstall()
  })

  it('never beats in the trace of the request that created the job', async () => {
    let finish!: () => void
    const gate = new Promise<void>((resolve) => {
      finish = resolve
    })
    const a = createEngineNode(createBackend(), {
      instanceId: 'A',
      config,
      chat: async () => await gate,
      // A store client with tracing instrumentation: a span per call, in the active context.
      wrap: provider => ({
        ...provider,
        heartbeatLease: async (...args) => {
          trace.getTracer('store-client').startSpan('store.heartbeatLease').end()
          return await provider.heartbeatLease!(...args)
        },
      }),
    })
    const request = trace.getTracer('http').startSpan('POST /api/jobs')
    const { job } = await context.with(trace.setSpan(context.active(), request), () => a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } }))
    request.end()
    while (tracing.named('store.heartbeatLease').length < 2) await new Promise(resolve => setTimeout(resolve, 1))
    finish()
    await a.engine.whenSettled(job.id)
    await a.engine.dispose()

    const requestTrace = request.spanContext().traceId
    expect(tracing.named('store.heartbeatLease').filter(span => span.spanContext().traceId === requestTrace)).toHaveLength(0)
  })
})
