/**
 * Request-driven mutations through a Convex outage (the fault-injecting facade; time is fake). Each
 * one that timed out is answered 503 but kept by the Convex client for the reconnect, so clients
 * retrying on `Retry-After` would pile up held mutations without end. Past
 * `MAX_UNANSWERED_MUTATIONS` held at once, the provider refuses new ones at once (the same 503)
 * without sending them; once Convex answers, calls go through again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { MAX_UNANSWERED_MUTATIONS } from '../../server/lib/providers/convex-unanswered'
import { createBackend, createInstance, newJob } from './backend'
import { createFaultyFacade, type FaultyFacade } from './fault-facade'

const TIMEOUT_MS = 10_000

describe('request-driven mutations through a Convex outage', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(1_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('at most MAX_UNANSWERED_MUTATIONS are held for the reconnect; more are refused at once with a 503, and calls go through once Convex answers', async () => {
    let faulty!: FaultyFacade
    const { provider } = createInstance(createBackend(), { timeoutMs: TIMEOUT_MS, wrap: facade => (faulty = createFaultyFacade(facade)) })
    faulty.disconnect()
    const held = Array.from({ length: MAX_UNANSWERED_MUTATIONS }, (_, index) => provider.takeRate!(`create:user-${index}`, 5, 60_000).then(() => null, (error: unknown) => error))
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
    for (const outcome of await Promise.all(held)) expect(outcome).toBeInstanceOf(ProviderUnavailableError)

    // Still held by the client: the next ones are refused without waiting and without being sent.
    const refused = await provider.takeRate!('create:one-more', 5, 60_000).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ProviderUnavailableError)
    expect((refused as ProviderUnavailableError).message).toContain(`has not answered ${MAX_UNANSWERED_MUTATIONS} earlier calls`)
    await expect(provider.create(newJob())).rejects.toBeInstanceOf(ProviderUnavailableError)
    await expect(provider.sendControl('job-x', { type: 'abort', userId: 'user-1' })).rejects.toBeInstanceOf(ProviderUnavailableError)
    expect(faulty.calls.filter(call => call.kind === 'mutation')).toHaveLength(MAX_UNANSWERED_MUTATIONS)

    await faulty.reconnect()
    expect(await provider.takeRate!('create:after', 5, 60_000)).toEqual({ ok: true })
    const { record, created } = await provider.create(newJob())
    expect(created).toBe(true)
    expect(record.status).toBe('queued')
  })
})
