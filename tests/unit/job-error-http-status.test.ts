/**
 * A job that failed on the model endpoint's HTTP answer carried the status only in its message
 * ("The model endpoint answered HTTP 429: …"), so an app deciding whether to offer Retry parsed
 * it out of words. The job's error has it as `httpStatus` now (`upstream-http` and
 * `upstream-rate-limited` only), in its state and its `job-end` event alike; the server's own
 * readers of it (the `job ended` line, the spans, the round metric) read the field first.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { modelFailure } from '../../server/lib/executor/model-round'
import { UpstreamHttpError, UpstreamNetworkError, UpstreamRateLimitedError } from '../../server/lib/model/errors'
import { upstreamStatusOf } from '../../server/lib/upstream-status'
import { toNodeFailure } from '../../server/lib/workflows/workflow-run'
import { failChatWith } from '../support/failed-chat'

describe('a failed job\'s httpStatus', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is the model endpoint\'s status, in the job\'s state and its job-end event', async () => {
    const { error, endError } = await failChatWith(new UpstreamHttpError(429, 'slow down'))
    expect(error).toEqual({ code: 'upstream-http', message: 'The model endpoint answered HTTP 429: slow down', failedDuring: 'model', httpStatus: 429 })
    expect(endError).toEqual(error)
    expect((await failChatWith(new UpstreamHttpError(401, '{"error":"HTTP 500 invalid key"}'))).error).toMatchObject({ httpStatus: 401 })
  })

  it('is there for a rate limit that was not retried, and for a model error a runner threw itself', async () => {
    const limited = new UpstreamRateLimitedError(Object.assign(new UpstreamHttpError(503, 'busy', 120_000), { retryAfterMs: 120_000 }), 60_000)
    expect((await failChatWith(limited)).error).toMatchObject({ code: 'upstream-rate-limited', httpStatus: 503 })
    expect((await failChatWith(new UpstreamHttpError(502, 'bad gateway'), true)).error).toMatchObject({ code: 'upstream-http', failedDuring: 'model', httpStatus: 502 })
  })

  it('is absent from every other failure', async () => {
    expect((await failChatWith(new UpstreamNetworkError('ECONNRESET'))).error).not.toHaveProperty('httpStatus')
    expect((await failChatWith(new Error('The model endpoint answered HTTP 500'))).error).not.toHaveProperty('httpStatus')
  })

  it('goes with a workflow\'s agent node failure and a node\'s own code that threw the model\'s error', () => {
    expect(modelFailure(new UpstreamHttpError(503, 'busy'), 'write').details).toEqual({ failedDuring: 'model', nodeId: 'write', httpStatus: 503 })
    expect(toNodeFailure(new UpstreamHttpError(429, 'slow down'), 'fetch').details).toEqual({ failedDuring: 'workflow-node', nodeId: 'fetch', httpStatus: 429 })
    // A code of the app's own with a status, a status that is none, a getter that throws: no field.
    expect(toNodeFailure(Object.assign(new Error('quota'), { code: 'billing', status: 402 }), 'n').details).not.toHaveProperty('httpStatus')
    expect(toNodeFailure(Object.assign(new Error('odd'), { code: 'upstream-http', status: '503' }), 'n').details).not.toHaveProperty('httpStatus')
    const hostile = Object.defineProperty(Object.assign(new Error('hostile'), { code: 'upstream-http' }), 'status', { get: () => { throw new Error('no') } })
    expect(toNodeFailure(hostile, 'n').details).not.toHaveProperty('httpStatus')
  })

  it('is what the server\'s own readers take, before the message\'s words (which a job stored before it still has only)', () => {
    expect(upstreamStatusOf({ code: 'upstream-http', message: 'The model endpoint answered HTTP 500: proxy', httpStatus: 401 })).toBe(401)
    expect(upstreamStatusOf({ code: 'upstream-http', message: 'The model endpoint answered HTTP 503: busy' })).toBe(503)
    expect(upstreamStatusOf({ code: 'tool-failed', message: '', httpStatus: 503 })).toBeUndefined()
  })
})
