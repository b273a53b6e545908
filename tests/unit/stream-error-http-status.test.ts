/**
 * OpenRouter's error after text started is an SSE data chunk, `{"error":{"code":429,"message":…}}`,
 * with the provider's HTTP status as its `code` (the answer's own status was 200). The job's error
 * had no `httpStatus` for it (`upstream-stream`), so the demo offered Retry after every such
 * failure, a provider's 4xx refusal too. It carries the code as `httpStatus` now when it is an HTTP
 * status (100-599, a number or its digits), as an HTTP answer's; other codes give none.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { UpstreamStreamError } from '../../server/lib/model/errors'
import { parseChatCompletionStream } from '../../server/lib/model/parse-stream'
import { roundOutcome } from '../../server/lib/metric-model-rounds'
import { upstreamStatusOf } from '../../server/lib/upstream-status'
import { JobFailure } from '../../server/lib/run-context'
import { retryCanHelp } from '../../demo/app/lib/failure-kinds'
import { failChatWith } from '../support/failed-chat'

/** The error a stream of some text then `errorChunk` ends with, as the model client parses it. */
async function streamFailure(errorChunk: unknown): Promise<UpstreamStreamError> {
  const body = [
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hello ' } }] })}\n\n`,
    `data: ${JSON.stringify({ error: errorChunk })}\n\n`,
  ].join('')
  const bytes = (async function* () {
    yield new TextEncoder().encode(body)
  })()
  try {
    for await (const _ of parseChatCompletionStream(bytes)) { /* the text */ }
  }
  catch (error) {
    return error as UpstreamStreamError
  }
  throw new Error('the stream did not fail')
}

describe('an error chunk\'s HTTP status', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is the job error\'s httpStatus, in its state and its job-end event', async () => {
    const { error, endError } = await failChatWith(await streamFailure({ code: 429, message: 'Rate limit exceeded' }))
    expect(error).toEqual({ code: 'upstream-stream', message: 'The model stream reported an error: Rate limit exceeded', failedDuring: 'model', httpStatus: 429 })
    expect(endError).toEqual(error)
    expect((await failChatWith(await streamFailure({ code: '502', message: 'Provider returned error' }))).error).toMatchObject({ code: 'upstream-stream', httpStatus: 502 })
  })

  it('is absent when the code is no HTTP status', async () => {
    for (const code of ['rate_limit_exceeded', 99, 600, 429.5, '4290', undefined]) {
      expect((await streamFailure({ code, message: 'no' })).status, String(code)).toBeUndefined()
    }
    expect((await failChatWith(await streamFailure({ code: 'server_error', message: 'no' }))).error).not.toHaveProperty('httpStatus')
  })

  it('decides the demo\'s Retry as an HTTP answer\'s status does; the round metric keeps its outcome', () => {
    expect(retryCanHelp({ code: 'upstream-stream', httpStatus: 429 })).toBe(true)
    expect(retryCanHelp({ code: 'upstream-stream', httpStatus: 503 })).toBe(true)
    // Before: every error chunk was trouble in passing, a provider's refusal (402: no credits) too.
    expect(retryCanHelp({ code: 'upstream-stream', httpStatus: 402 })).toBe(false)
    // No status: the code's own verdict; a status in the upstream's words is not read.
    expect(retryCanHelp({ code: 'upstream-stream', message: 'The model stream reported an error: HTTP 400 upstream' })).toBe(true)
    expect(upstreamStatusOf({ code: 'upstream-stream', message: '', httpStatus: 429 })).toBe(429)
    expect(upstreamStatusOf({ code: 'upstream-stream', message: 'The model stream reported an error: HTTP 400' })).toBeUndefined()
    expect(roundOutcome(new JobFailure('upstream-stream', 'x', { httpStatus: 429 }))).toBe('upstream-stream')
  })
})
