/**
 * The retention cleanup is engine-wide: it deletes every user's expired jobs, every
 * `limits.cleanupIntervalMs`, until shutdown. Its interval was armed by the first job creation, in
 * that request's async context, so every pass ran in it for the life of the process: with HTTP
 * tracing, each pass's store calls (and the spans a store client's instrumentation makes for them)
 * landed in the trace of that first `POST /api/jobs`, a request that had ended long before. The
 * passes now run outside any request's context.
 */
import { context, trace } from '@opentelemetry/api'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { installTracing } from '../support/tracing'
import type { TestTracing } from '../support/tracing'

describe('the retention cleanup and trace context', () => {
  let tracing: TestTracing
  beforeEach(() => {
    tracing = installTracing()
  })
  afterEach(async () => {
    await tracing.uninstall()
  })

  it('a pass never runs in the trace of the request that created the first job', async () => {
    const { engine } = createTestEngine({
      config: { limits: { cleanupIntervalMs: 5 } },
      runners: { chat: async () => {} },
      // A store client with tracing instrumentation: a span per call, in the active context.
      wrap: provider => ({
        ...provider,
        deleteExpired: async (...args) => {
          trace.getTracer('store-client').startSpan('store.deleteExpired').end()
          return await provider.deleteExpired(...args)
        },
      }),
    })
    // The app traces HTTP requests: the creation runs in the request's server span.
    const request = trace.getTracer('http').startSpan('POST /api/jobs')
    await context.with(trace.setSpan(context.active(), request), () => engine.createJob('u1', { request: chatRequest }))
    request.end()
    while (tracing.named('store.deleteExpired').length < 2) await new Promise(resolve => setTimeout(resolve, 1))
    await engine.dispose()

    const requestTrace = request.spanContext().traceId
    const inRequestTrace = tracing.named('store.deleteExpired').filter(span => span.spanContext().traceId === requestTrace)
    expect(inRequestTrace).toHaveLength(0)
  })
})
