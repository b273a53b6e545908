/**
 * A job recovery ends without running it gets a job span on the instance that ended it, as a chat
 * ended `owner-lost` does: linked to the first run, with the takeover event, failed with the
 * code. A workflow whose stored request no longer passes the check (the workflow was removed in a
 * deploy while it waited) was ended with no span at all: its trace stopped at the first run's
 * hand-off and never said the job failed, nor why.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { SpanStatusCode } from '@opentelemetry/api'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

/** What the next deploy registers instead of `ask`. */
const other = defineWorkflow({ name: 'other', description: 'x', input: z.object({}), nodes: { done: { kind: 'output', value: 'done' } }, edges: [] })

describe('the span of a job recovery ended', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('a workflow whose stored request is no longer valid: a failed span on the instance that ended it, linked to the first run', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config })
    const b = createEngineNode(backend, { instanceId: 'B', config, workflows: [other] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(100)
    await a.engine.dispose() // workflows are handed off at shutdown
    // Left for an instance that still has the workflow; none does: B ends it after
    // lease.durationMs + 2 heartbeats (its own scans run every heartbeat).
    expect(await b.engine.recover()).toBe(0)
    await vi.advanceTimersByTimeAsync(6_000)
    expect((await b.provider.getState(job.id))).toMatchObject({ status: 'failed', error: { code: 'invalid-request' } })
    await b.engine.dispose()

    const spans = tracing.named('background_jobs.job')
    const first = spans.find(span => span.attributes['background_jobs.instance.id'] === 'A')!
    const ended = spans.filter(span => span.attributes['background_jobs.instance.id'] === 'B')
    expect(ended).toHaveLength(1)
    expect(ended[0]!.attributes).toMatchObject({ 'background_jobs.job.id': job.id, 'background_jobs.job.status': 'failed', 'background_jobs.error.code': 'invalid-request', 'background_jobs.run.resumed': true })
    expect(ended[0]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'invalid-request' })
    expect(ended[0]!.links.map(link => link.context.spanId)).toEqual([first.spanContext().spanId])
    expect(ended[0]!.events.map(event => event.name)).toEqual(['background_jobs.takeover'])
  })
})
