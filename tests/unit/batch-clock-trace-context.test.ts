/**
 * Every job's batching windows run on one timer (batch-clock.ts). That timer (and the end-of-turn
 * send) ran in the async context of whichever job armed it — its job span, even its model round,
 * active — so what another job's window then committed ran in that context: the store write of
 * job B's text (and any span the store client's instrumentation makes for it) landed in job A's
 * trace. Window commits now run outside every job's context.
 */
import { trace } from '@opentelemetry/api'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JobRunners } from '../../server/lib/engine-types'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { installTracing } from '../support/tracing'
import type { TestTracing } from '../support/tracing'

describe('the batch clock and trace context', () => {
  let tracing: TestTracing
  beforeEach(() => {
    tracing = installTracing()
  })
  afterEach(async () => {
    await tracing.uninstall()
  })

  it('a job\'s window commits never run in another job\'s trace', async () => {
    // Each job writes one delta (A's window opens first), then waits for the gate.
    let open!: () => void
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const wrote: string[] = []
    const chat: JobRunners['chat'] = async (context) => {
      context.text('x')
      wrote.push(context.jobId)
      await gate
    }
    const { engine } = createTestEngine({
      config: { stream: { batchWindowMs: 5 } },
      runners: { chat },
      // A store client with tracing instrumentation: a span per write, in the active context.
      wrap: provider => ({
        ...provider,
        appendEvents: async (id, events, options) => {
          const span = trace.getTracer('store-client').startSpan('store.append', { attributes: { job: id, types: events.map(event => event.type) } })
          span.end()
          return await provider.appendEvents(id, events, options)
        },
      }),
    })
    const a = (await engine.createJob('u1', { request: chatRequest })).job.id
    const b = (await engine.createJob('u2', { request: chatRequest })).job.id
    // Both windows end and commit (the second on the timer the first armed).
    const stored = (id: string) => tracing.named('store.append').some(span => span.attributes.job === id && (span.attributes.types as string[]).includes('text-delta'))
    while (!stored(a) || !stored(b)) await new Promise(resolve => setTimeout(resolve, 1))
    open()
    await Promise.all([engine.whenSettled(a), engine.whenSettled(b)])
    expect(wrote).toEqual([a, b])

    const traceOf = new Map(tracing.named('background_jobs.job').map(span => [span.attributes['background_jobs.job.id'], span.spanContext().traceId]))
    const misplaced = tracing.named('store.append')
      .filter(span => span.parentSpanContext !== undefined && span.spanContext().traceId !== traceOf.get(span.attributes.job))
      .map(span => ({ job: span.attributes.job === a ? 'a' : 'b', inTraceOf: span.spanContext().traceId === traceOf.get(a) ? 'a' : 'b', types: span.attributes.types }))
    expect(misplaced).toEqual([])
    await engine.dispose()
  })
})
