/**
 * An answer sent to an instance that does not run the job is forwarded to the owner, which checks
 * the sender's budget of problems in refused values (validation-budget.ts) before the answer's
 * schema. Its 429 came back to the sender as a plain forwarded error: the route answered `429`
 * with no `Retry-After` (api.md promises one) and requests_refused_total did not count it. The
 * refusal now crosses instances as the RateLimitError it was, with its wait and its limit.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { toHttpError } from '../../server/lib/http/handler'
import { useMetrics } from '../../server/lib/metrics'
import { useValidationBudget, VALIDATION_ISSUES_PER_MINUTE } from '../../server/lib/validation-budget'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { askTwice, askTwiceConfig } from './ask-twice'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

describe('a forwarded answer over the refused-values budget', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => {
    vi.useRealTimers()
    useMetrics().reset()
  })

  it('is a 429 with Retry-After on the instance that forwarded it, counted by its limit', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config: askTwiceConfig, workflows: [askTwice] })
    const b = createEngineNode(backend, { instanceId: 'B', config: askTwiceConfig, workflows: [askTwice] })
    const { job } = await a.engine.createJob('u-budget', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [first] = (await b.engine.getJob('u-budget', job.id)).state.pendingInputs
    expect(first?.prompt).toBe('First?')

    // The user's refused values of this minute spent the budget (on the owner's process).
    useValidationBudget().spend('u-budget', VALIDATION_ISSUES_PER_MINUTE + 1)
    const answering = b.engine.answerInput('u-budget', job.id, { requestId: first!.requestId, answer: { go: true } }).then(() => undefined, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(2_000)
    const error = await answering

    const headers = new Map<string, unknown>()
    const event = { context: {}, node: { req: { headers: {} }, res: { setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value) } } } as unknown as H3Event
    expect(toHttpError(event, error)).toMatchObject({ statusCode: 429 })
    expect(Number(headers.get('retry-after'))).toBeGreaterThan(0)
    expect(useMetrics().snapshot().counters['requests_refused_total{limit="refusedValueProblems"}']).toBe(1)

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
