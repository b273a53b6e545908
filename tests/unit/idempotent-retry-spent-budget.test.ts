/**
 * A retry with the same `Idempotency-Key` gets its job back whatever the limits say (api.md; the
 * store answers it before it counts anything), and so it did past a full creation-rate window
 * (idempotent-retry-refused-window.test.ts). But once the user's refused workflow inputs had spent
 * the budget of refused problems (validation-budget.ts), the retry of a workflow job that had
 * been started was a 429 "Too many problems in refused values", though it was nothing to check:
 * the client was told its job had not been started while it ran. The key is now looked up in the
 * store first, with nothing checked, created or counted; a new creation is still refused unchecked.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidRequestError, RateLimitError } from '../../server/lib/errors'
import { useMetrics } from '../../server/lib/metrics'
import { parseCountingWorkflow } from '../support/parse-counting-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const { tagged, parses } = parseCountingWorkflow()

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('an Idempotency-Key retry once refused inputs spent the validation budget', () => {
  it('gets its job back; a new creation is still refused unchecked', async () => {
    const { engine } = createWorkflowEngine([tagged], { config: { limits: { createPerMinute: 0 } } })
    const create = (input: unknown, idempotencyKey?: string) => engine.createJob(USER, { request: { type: 'workflow', workflow: 'tagged', input }, limitRate: true, ...(idempotencyKey ? { idempotencyKey } : {}) })
    const first = await create({ tags: ['a'] }, 'key-1')
    // One input with 10,001 wrong items spends the minute's budget (over 10,000 problems).
    await expect(create({ tags: Array.from({ length: 10_001 }, () => 1) })).rejects.toBeInstanceOf(InvalidRequestError)
    await expect(create({ tags: ['b'] })).rejects.toThrow(/Too many problems in refused values/)

    parses.count = 0
    const retry = await create({ tags: ['a'] }, 'key-1').catch((error: unknown) => error)
    expect(retry).toEqual({ job: expect.objectContaining({ id: first.job.id }), created: false })
    // A new key is still refused before its input is checked, and nothing is created.
    const fresh = await create({ tags: ['c'] }, 'key-2').catch((error: unknown) => error)
    expect(fresh).toBeInstanceOf(RateLimitError)
    expect((fresh as RateLimitError).message).toMatch(/Too many problems in refused values/)
    expect(parses.count).toBe(0)
    // Not a creation rate: no jobs_refused_total{reason="rate"} (docs/metrics.md), as for a refusal without a key.
    expect(useMetrics().snapshot().counters['jobs_refused_total{reason="rate"}']).toBeUndefined()
    expect((await engine.listJobs(USER)).map(job => job.id)).toEqual([first.job.id])
    await engine.dispose()
  })
})
