/**
 * The chat routes' 429s and 503s say when to retry in their message (the AI SDK drops the
 * Retry-After header): exactly once, and also for a store outage, whose answer is its
 * `clientMessage`, not its `message`.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { withRetryHint } from '../../server/lib/ai-sdk/retry-hint'
import { toHttpError } from '../../server/lib/http/handler'
import { ConcurrencyLimitError, ProviderUnavailableError } from '../../server/lib/errors'
import { RedisUnavailableError } from '../../server/lib/providers/redis-client'
import { rateLimitError } from '../../server/lib/rate-limit'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

beforeEach(() => {
  for (const level of ['warn', 'error', 'info', 'log'] as const) vi.spyOn(console, level).mockImplementation(() => {})
})
afterEach(() => {
  vi.restoreAllMocks()
})

/** What a chat route answers for `error`: its message and Retry-After. */
async function chatAnswer(error: Error) {
  const caught = await withRetryHint(() => Promise.reject(error)).catch((thrown: unknown) => thrown)
  const headers: Record<string, unknown> = {}
  const event = { node: { res: { setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = value } } } } as unknown as H3Event
  const http = toHttpError(event, caught) as unknown as { message: string }
  return { message: http.message, retryAfter: headers['retry-after'] }
}

describe('the retry hint of the chat routes', () => {
  it('a rate limit says when to retry once, not "retry in 12 s; try again in 12 s"', async () => {
    const answer = await chatAnswer(rateLimitError('create', 60, 11_500))
    expect(answer).toEqual({ message: 'Too many job creations: at most 60 per minute (limits.createPerMinute); retry in 12 s', retryAfter: 12 })
  })

  it('a vague "try again shortly" gives way to the wait, not "try again shortly; try again in 5 s"', async () => {
    const answer = await chatAnswer(new ConcurrencyLimitError('global', 50, 5))
    expect(answer).toEqual({ message: 'The server is running its maximum of 50 jobs (limits.maxConcurrentJobs); try again in 5 s', retryAfter: 5 })
  })


  it('limits.retryAfterSeconds 0 states no wait: no Retry-After, and the message keeps its own words (not "try again in 1 s")', async () => {
    const answer = await chatAnswer(new ConcurrencyLimitError('global', 50, 0))
    expect(answer).toEqual({ message: 'The server is running its maximum of 50 jobs (limits.maxConcurrentJobs); try again shortly', retryAfter: undefined })
    const perUser = await chatAnswer(new ConcurrencyLimitError('user', 1, 0))
    expect(perUser.retryAfter).toBeUndefined()
    expect(perUser.message).not.toMatch(/try again in/)
    // A Convex outage's 503 takes the same setting (create-provider.ts).
    const outage = await chatAnswer(new ProviderUnavailableError('convex', 'Convex failed a call: ECONNRESET', 0, { clientMessage: 'The job store (Convex) could not answer; retry shortly' }))
    expect(outage).toEqual({ message: 'The job store (Convex) could not answer; retry shortly', retryAfter: undefined })
  })

  it('a store outage (503 with Retry-After) says it in the message the client reads', async () => {
    const answer = await chatAnswer(new RedisUnavailableError(new Error('connect ECONNREFUSED 10.0.3.7:6379')))
    expect(answer).toEqual({ message: 'The job store (Redis) is unavailable; try again in 5 s', retryAfter: 5 })
  })
})
