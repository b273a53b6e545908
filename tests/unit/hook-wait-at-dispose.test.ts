/**
 * The engine waits at most 10 s for an app hook (docs/hooks.md), on one of its own timers. Its
 * `dispose` clears those timers: a hook still running then was waited for for ever — `createJob`
 * (POST /api/jobs) awaiting a hung `job-created` hook never answered, holding Nitro's graceful
 * shutdown for its whole timeout. Now the wait ends at dispose, logged, and the caller goes on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../server/lib/logger'
import { createTimerSet } from '../../server/lib/timers'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'

describe('a hook still running when the engine is disposed', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('createJob goes on without a hung job-created hook once the engine is disposed', async () => {
    const warnings: string[] = []
    const { engine } = createTestEngine({
      runners: { chat: context => wait(100_000, context.signal) },
      hooks: { jobCreated: () => new Promise<void>(() => {}) },
      logger: { ...silentLogger, warn: message => warnings.push(message) },
    })
    let outcome: unknown = 'pending'
    void engine.createJob('u1', { request: chatRequest }).then(value => (outcome = value), (error: unknown) => (outcome = error))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(outcome).toBe('pending')
    await engine.dispose()
    await vi.advanceTimersByTimeAsync(0)
    expect(outcome).toMatchObject({ created: true, job: { id: expect.any(String) } })
    expect(warnings).toContain('hook background-jobs:job-created had not settled when the server shut down; going on without it')
    expect(engine.stats()).toMatchObject({ runs: 0, engineTimers: 0 })
  })

  it('a TimerSet calls onClear for a timeout clearAll dropped, not for one cancelled or fired', async () => {
    const timers = createTimerSet()
    const seen: string[] = []
    timers.timeout(() => seen.push('fired'), 10, { onClear: () => seen.push('fired, cleared') })
    const cancel = timers.timeout(() => seen.push('cancelled'), 50, { onClear: () => seen.push('cancelled, cleared') })
    timers.timeout(() => seen.push('late'), 100, { onClear: () => seen.push('late, cleared') })
    await vi.advanceTimersByTimeAsync(20)
    cancel()
    timers.clearAll()
    await vi.advanceTimersByTimeAsync(200)
    expect(seen).toEqual(['fired', 'late, cleared'])
    expect(timers.size).toBe(0)
  })
})
