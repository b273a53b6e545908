/**
 * A retry with the same `Idempotency-Key` gets its job back, whatever the rate windows say
 * (api.md; the store answers it before it counts anything). The gate that refuses creations
 * unchecked once refused ones filled the window (refused-creations.ts) answered such a retry with a
 * 429 for up to a minute instead, while the job it asked about ran: the client's retry after a lost
 * reply (useBackgroundJobs retries with the same key) was told the job had not been started.
 * The key is now looked up in the store, with nothing checked, created or counted.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidRequestError, RateLimitError } from '../../server/lib/errors'
import { parseCountingWorkflow } from '../support/parse-counting-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const { tagged, parses } = parseCountingWorkflow()

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('an Idempotency-Key retry while refused creations fill the window', () => {
  it('gets its job back; a new creation is still refused', async () => {
    const { engine } = createWorkflowEngine([tagged], { config: { limits: { createPerMinute: 3 } } })
    const create = (input: unknown, idempotencyKey?: string) => engine.createJob(USER, { request: { type: 'workflow', workflow: 'tagged', input }, limitRate: true, ...(idempotencyKey ? { idempotencyKey } : {}) })
    const first = await create({ tags: ['a'] }, 'key-1')
    // Two refused inputs fill the window; the third is refused by it, and the window is remembered full.
    const refused: unknown[] = []
    for (let index = 0; index < 3; index++) refused.push(await create({ tags: [1] }).catch((error: unknown) => error))
    expect(refused.map(error => (error as Error).constructor)).toEqual([InvalidRequestError, InvalidRequestError, RateLimitError])

    parses.count = 0
    const retry = await create({ tags: ['a'] }, 'key-1').catch((error: unknown) => error)
    expect(retry).toEqual({ job: expect.objectContaining({ id: first.job.id }), created: false })
    // A new key, or none, is still refused unchecked (the gate saves the schema's work), and nothing is created.
    await expect(create({ tags: [2] }, 'key-2')).rejects.toThrow(/limits\.createPerMinute/)
    await expect(create({ tags: ['b'] })).rejects.toBeInstanceOf(RateLimitError)
    expect(parses.count).toBe(0)
    expect((await engine.listJobs(USER)).map(job => job.id)).toEqual([first.job.id])
    await engine.dispose()
  })
})
