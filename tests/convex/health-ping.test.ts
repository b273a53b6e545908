/**
 * The convex provider's `ping` (the health route's, decision 037): one `health:check` query, which
 * reads nothing; a deployment that fails it rejects, so the route answers `provider-unreachable`.
 */
import { describe, expect, it } from 'vitest'
import { createStorePing } from '../../server/lib/health'
import { createBackend, createInstance } from './backend'
import { createFaultyFacade } from './fault-facade'

describe('the convex provider\'s ping', () => {
  it('is one health:check query, and a failed one is no answer', async () => {
    let faulty: ReturnType<typeof createFaultyFacade> | undefined
    const { provider } = createInstance(createBackend(), { wrap: (facade) => faulty = createFaultyFacade(facade) })
    const answers = createStorePing({ cacheMs: 0 })
    expect(await answers(provider)).toBe(true)
    faulty!.failNext('health:check', new Error('fetch failed: ECONNRESET'))
    expect(await answers(provider)).toBe(false)
    expect(await answers(provider)).toBe(true)
    await provider.dispose()
  })
})
