/**
 * A create still unanswered when a shutdown stops waiting for it (one lease period): the job is
 * stored, but this instance runs none of it (its lease lapses to another instance, whose run links
 * to this first run's span). That span, started by the create, was left unended and never
 * exported. It now ends as handed off.
 */
import { describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { ShuttingDownError } from '../../server/lib/errors'
import { wait } from '../support/engine-harness'
import { useTracingPerTest } from '../support/tracing'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

describe('the span of a create answered after a shutdown gave up on it', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })

  it('is ended as handed off', async () => {
    const tracing = useTracing()
    const a = createEngineNode(createBackend(), { instanceId: 'A', config, wrap: provider => ({
      ...provider,
      create: async (...args) => {
        const stored = await provider.create(...args)
        await wait(5_000)
        return stored
      },
    }) })
    const created = a.engine.createJob('u1', { request: chat }).then(() => null, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(100)
    const disposed = a.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
    expect(await created).toBeInstanceOf(ShuttingDownError)

    const spans = tracing.named('background_jobs.job').map(span => ({
      outcome: span.attributes['background_jobs.run.outcome'],
      events: span.events.map(event => event.name),
    }))
    expect(spans).toEqual([{ outcome: 'handed-off', events: ['background_jobs.handoff'] }])
  })
})
