/**
 * A create answered after the job's lease ran out, on an instance whose own recovery scan took the
 * job over meanwhile: the taken-over run goes on, and the late create starts none. The job span
 * the create had started (its context is stored with the job, and the taken-over run links to it
 * as `first-run`) was left unended, so it was never exported: the trace's first run was missing.
 * It now ends as handed off, like any run that gave the job up.
 */
import { describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import { wait } from '../support/engine-harness'
import { useTracingPerTest } from '../support/tracing'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const LEASE_MS = 3_000
const REPLY_DELAY_MS = 3_500
const config = resolveConfig({ scripted: { enabled: true }, recovery: { chat: 'continue' }, lease: { durationMs: LEASE_MS, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

describe('the span of a create answered after the instance took its own job over', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })

  it('is ended (handed off), and the taken-over run links to it', async () => {
    const tracing = useTracing()
    const slow: JobRunners['chat'] = async context => void await wait(60_000, context.signal)
    const a = createEngineNode(createBackend(), { instanceId: 'A', config, chat: slow, wrap: provider => ({
      ...provider,
      create: async (...args) => {
        const stored = await provider.create(...args)
        await wait(REPLY_DELAY_MS)
        return stored
      },
    }) })
    await Promise.all([a.engine.createJob('u1', { request: chat }), vi.advanceTimersByTimeAsync(REPLY_DELAY_MS + 100)])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(a.engine.stats()).toMatchObject({ runs: 1 })
    const disposed = a.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed

    const spans = tracing.named('background_jobs.job')
    const first = spans.find(span => span.attributes['background_jobs.run.resumed'] === false)
    const resumed = spans.find(span => span.attributes['background_jobs.run.resumed'] === true)
    expect(resumed?.links[0]?.context.spanId).toBeDefined()
    expect(first && {
      spanId: first.spanContext().spanId,
      outcome: first.attributes['background_jobs.run.outcome'],
      events: first.events.map(event => event.name),
    }).toEqual({
      spanId: resumed!.links[0]!.context.spanId,
      outcome: 'handed-off',
      events: ['background_jobs.handoff'],
    })
  })
})
