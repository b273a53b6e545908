/**
 * Jobs refused by a limit (docs/metrics.md): counted once in `jobs_refused_total{reason}`,
 * and nothing else moves — no run started or ended, no gauge left behind. Every 429 of the routes
 * (streams, input answers and deletions too) is counted in `requests_refused_total{limit}`.
 */
import { readFileSync } from 'node:fs'
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ConcurrencyLimitError, RateLimitError } from '../../server/lib/errors'
import { toHttpError } from '../../server/lib/http/handler'
import { useMetrics } from '../../server/lib/metrics'
import { rateLimitError } from '../../server/lib/rate-limit'
import { createValidationBudget } from '../../server/lib/validation-budget'
import { createStreamGate } from '../../server/lib/stream-limit'
import { chatRequest, createTestEngine } from '../support/engine-harness'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

describe('refused jobs', () => {
  beforeEach(() => useMetrics().reset())
  afterEach(() => useMetrics().reset())

  it('count by reason, and move no other number', async () => {
    let release!: () => void
    const held = new Promise<void>(resolve => release = resolve)
    const { engine } = createTestEngine({
      config: { limits: { maxConcurrentJobs: 2, maxConcurrentJobsPerUser: 1, createPerMinute: 3 } },
      runners: { chat: async () => await held },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await expect(engine.createJob('u1', { request: chatRequest })).rejects.toBeInstanceOf(ConcurrencyLimitError)
    await engine.createJob('u2', { request: chatRequest })
    await expect(engine.createJob('u3', { request: chatRequest })).rejects.toBeInstanceOf(ConcurrencyLimitError)
    release()
    await engine.whenSettled(job.id)
    for (let index = 0; index < 3; index++) await engine.createJob('u4', { request: chatRequest, limitRate: true }).catch(() => {})
    await expect(engine.createJob('u4', { request: chatRequest, limitRate: true })).rejects.toBeInstanceOf(RateLimitError)

    const { counters, jobsByStatus } = useMetrics().snapshot()
    expect(counters['jobs_refused_total{reason="user-limit"}']).toBe(1)
    expect(counters['jobs_refused_total{reason="global-limit"}']).toBe(1)
    expect(counters['jobs_refused_total{reason="rate"}']).toBe(1)
    await engine.dispose()
    const after = useMetrics().snapshot()
    expect(after.counters.jobs_started_total).toBe(after.counters['jobs_ended_total{status="completed"}']! + (after.counters['jobs_ended_total{status="failed"}'] ?? 0))
    expect(jobsByStatus).toMatchObject({ queued: 0, waiting: 0 })
    expect(after.jobsByStatus).toEqual({ queued: 0, running: 0, waiting: 0 })
  })
})

describe('refused requests', () => {
  beforeEach(() => useMetrics().reset())
  afterEach(() => useMetrics().reset())

  it('every 429 a route answers is counted by the limits setting that refused it', () => {
    const headers = new Map<string, unknown>()
    const event = { context: {}, node: { req: { headers: {} }, res: { setHeader: (name: string, value: unknown) => headers.set(name, value) } } } as unknown as H3Event
    const gate = createStreamGate()
    gate.acquire('u1', 1, 0)
    const refusals: unknown[] = [
      new ConcurrencyLimitError('user', 1, 5),
      new ConcurrencyLimitError('global', 2, 5),
      new ConcurrencyLimitError('address', 2, 5),
      rateLimitError('create', 3, 1_000),
      rateLimitError('input', 3, 1_000),
      rateLimitError('delete', 3, 1_000),
      (() => { try { gate.acquire('u1', 1, 0) } catch (error) { return error } })(),
      (() => { try { gate.acquire('u2', 0, 1) } catch (error) { return error } })(),
      (() => {
        const budget = createValidationBudget(() => 0, 1)
        budget.spend('u1', 2)
        try { budget.assertRoom('u1') } catch (error) { return error }
      })(),
    ]
    for (const error of refusals) expect(toHttpError(event, error)).toMatchObject({ statusCode: 429 })
    expect(headers.get('retry-after')).toBeDefined()
    const counted = Object.fromEntries(Object.entries(useMetrics().snapshot().counters).filter(([key]) => key.startsWith('requests_refused_total')))
    expect(counted).toEqual(Object.fromEntries(['maxConcurrentJobsPerUser', 'maxConcurrentJobs', 'maxConcurrentAnonymousJobsPerAddress', 'createPerMinute', 'inputPerMinute', 'deletePerMinute', 'maxStreamsPerUser', 'maxStreams', 'refusedValueProblems']
      .map(limit => [`requests_refused_total{limit="${limit}"}`, 1])))
  })

  it('docs/metrics.md names every `limit` value requests_refused_total is counted under', () => {
    const row = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8').split('\n').find(line => line.startsWith('| `requests_refused_total{limit}`')) ?? ''
    const limits = ['maxConcurrentJobsPerUser', 'maxConcurrentJobs', 'maxConcurrentAnonymousJobsPerAddress', 'createPerMinute', 'inputPerMinute', 'deletePerMinute', 'anonymousCreatePerMinute', 'maxStreamsPerUser', 'maxStreams', 'refusedValueProblems']
    expect(limits.filter(limit => !row.includes(`\`${limit}\``))).toEqual([])
  })
})
