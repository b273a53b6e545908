/**
 * A job's error keeps the model endpoint's name for its failure (`upstreamCode`) and its words (the
 * message), and its user reads both. They were screened for secret *shapes* (`sk-…`, a JWT) and
 * for the API key as written: a proxy that echoed the key upper-cased, or a part of it, or a
 * secret header the `upstream-request` hook adds (a gateway's `x-api-key`), or another configured
 * secret, had it stored in the job. They are screened against the configured values themselves
 * now (model/echoed-secrets.ts), whatever their case.
 */
import { describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { modelFailure } from '../../server/lib/executor/model-round'
import type { FetchLike } from '../../server/lib/model/client'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import type { ModelRequest } from '../../server/lib/model/types'

/** An Azure-style key: 32 hex digits, no shape secret-patterns.ts knows. */
const API_KEY = '3f9a0c7e5b2d4a1f8e6c9b0a7d5e3f21'
/** A gateway's key the app's upstream-request hook sends as `x-api-key`. */
const GATEWAY_KEY = 'gw0Q7rT2mZ9xL4vB8nK3'
const COOKIE_SECRET = 'c'.repeat(8) + 'Zq81Lm02Xo93Wn47Vb56Tr'
const REDIS_PASSWORD = 'r3d1sPassw0rdLong'

const config = resolveConfig({ cookieSecret: COOKIE_SECRET, redisUrl: `redis://default:${REDIS_PASSWORD}@redis:6379`, upstream: { baseUrl: 'https://gateway.test/v1', apiKey: API_KEY } })
const REQUEST: ModelRequest = { model: 'm', messages: [{ role: 'user', content: 'Hi' }], headers: { 'x-api-key': GATEWAY_KEY, 'x-title': 'My app' } }

const chunk = (body: unknown) => `data: ${JSON.stringify(body)}\n\n`

/** The job error's fields for a round the endpoint answered with `body` (status 200: an SSE error chunk; else an HTTP error body), read pulled and pushed. */
async function jobErrors(status: number, body: string) {
  const fetch: FetchLike = async () => new Response(body, { status })
  const model = createModelClientFromConfig({ ...config, upstream: { ...config.upstream, maxRetries: 0 } }, { fetch })
  const errors = []
  try {
    await model.consume!(REQUEST, new AbortController().signal, () => {})
  }
  catch (error) {
    errors.push(error)
  }
  try {
    for await (const _event of model.stream(REQUEST, new AbortController().signal)) { /* none */ }
  }
  catch (error) {
    errors.push(error)
  }
  expect(errors).toHaveLength(2)
  return errors.map((error) => {
    const failure = modelFailure(error)
    return { message: failure.message, upstreamCode: failure.details.upstreamCode }
  })
}

const errorChunk = (error: Record<string, unknown>) => chunk({ error })

describe('a job error\'s upstreamCode, against the configured secrets', () => {
  it('is none when the code is the API key in another case, a part of it, the hook\'s secret header or another configured secret', async () => {
    for (const code of [API_KEY.toUpperCase(), `invalid_key_${API_KEY.slice(4, 14)}`, GATEWAY_KEY, GATEWAY_KEY.toLowerCase(), COOKIE_SECRET, REDIS_PASSWORD]) {
      for (const error of await jobErrors(200, errorChunk({ message: 'refused', code }))) expect(error.upstreamCode, code).toBeUndefined()
      for (const error of await jobErrors(400, JSON.stringify({ error: { message: 'refused', type: code } }))) expect(error.upstreamCode, code).toBeUndefined()
    }
  })

  it('keeps an endpoint\'s name for the failure with those secrets configured', async () => {
    for (const error of await jobErrors(200, errorChunk({ message: 'too long', code: 'context_length_exceeded' }))) expect(error.upstreamCode).toBe('context_length_exceeded')
    for (const error of await jobErrors(400, JSON.stringify({ error: { message: 'too long', type: 'exceed_context_size_error' } }))) expect(error.upstreamCode).toBe('exceed_context_size_error')
  })
})

describe('a job error\'s message, against the configured secrets', () => {
  it('hides the API key in another case and the hook\'s secret header, in an error chunk and an HTTP error body', async () => {
    const said = `Invalid key ${API_KEY.toUpperCase()} for gateway key ${GATEWAY_KEY.toUpperCase()} (My app)`
    for (const error of [...await jobErrors(200, errorChunk({ message: said })), ...await jobErrors(401, JSON.stringify({ error: { message: said } }))]) {
      expect(error.message).toContain('Invalid key [redacted] for gateway key [redacted] (My app)')
      expect(error.message.toLowerCase()).not.toContain(API_KEY)
      expect(error.message.toLowerCase()).not.toContain(GATEWAY_KEY.toLowerCase())
    }
  })
})

describe('a job error\'s message, against parts of the configured secrets', () => {
  it('hides a prefix of the API key, the gateway key cut at a line break and the Redis password with its middle elided', async () => {
    const said = `Invalid key ${API_KEY.slice(0, 20)}; gateway key ${GATEWAY_KEY.slice(0, 9)}\n${GATEWAY_KEY.slice(9)}; password ${REDIS_PASSWORD.slice(0, 8)}…${REDIS_PASSWORD.slice(-3)}`
    for (const error of [...await jobErrors(200, errorChunk({ message: said })), ...await jobErrors(401, JSON.stringify({ error: { message: said } }))]) {
      expect(error.message).toContain('Invalid key [redacted]; gateway key [redacted]')
      expect(error.message).toContain(`password [redacted]…${REDIS_PASSWORD.slice(-3)}`)
      for (const part of [API_KEY.slice(0, 8), GATEWAY_KEY.slice(0, 8), GATEWAY_KEY.slice(-8), REDIS_PASSWORD.slice(0, 8)]) expect(error.message).not.toContain(part)
    }
  })
})

describe('a round failed by its finish reason, then silent until its time limit', () => {
  it('has its native reason scrubbed too (it skipped the scrub when the silence ended the round)', async () => {
    vi.useFakeTimers()
    try {
      const failed = `data: ${JSON.stringify({ id: 'gen-1', choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: `KEY ${API_KEY.toUpperCase()}` }] })}\n\n`
      // The chunk, then nothing: the usage it waits for never comes.
      const fetch: FetchLike = async () => new Response(new ReadableStream({ start: controller => controller.enqueue(new TextEncoder().encode(failed)) }), { status: 200 })
      const model = createModelClientFromConfig({ ...config, upstream: { ...config.upstream, maxRetries: 0, stallTimeoutMs: 1_000, firstTokenTimeoutMs: 1_000 } }, { fetch })
      const errors: unknown[] = []
      const pushed = model.consume!(REQUEST, new AbortController().signal, () => {}).catch(error => errors.push(error))
      const pulled = (async () => {
        for await (const _event of model.stream(REQUEST, new AbortController().signal)) { /* none */ }
      })().catch(error => errors.push(error))
      await vi.advanceTimersByTimeAsync(5_000)
      await Promise.all([pushed, pulled])
      expect(errors).toHaveLength(2)
      for (const error of errors) {
        expect(error).toMatchObject({ code: 'upstream-stream' })
        expect((error as Error).message).toContain('(KEY [redacted])')
      }
    }
    finally {
      vi.useRealTimers()
    }
  })
})
