/**
 * `model_retries_total` counts model requests sent again. A retry was counted when its wait began,
 * so a job aborted during that wait (a Retry-After of seconds, a user's abort, a shutdown) counted
 * a request that was never sent.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useMetrics } from '../../server/lib/metrics'
import type { FetchLike } from '../../server/lib/model/client'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import type { ModelRequest } from '../../server/lib/model/types'

const REQUEST: ModelRequest = { model: 'test/model', messages: [{ role: 'user', content: 'Hi' }] }

const retries = () => Object.entries(useMetrics().snapshot().counters).filter(([key]) => key.startsWith('model_retries_total'))

describe('a retry whose wait the job\'s abort cut short', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => {
    useMetrics().reset()
    vi.useRealTimers()
  })

  for (const path of ['consume', 'stream'] as const) {
    it(`is not counted: no request was sent again (${path})`, async () => {
      let requests = 0
      const fetch: FetchLike = async () => {
        requests++
        return new Response('slow down', { status: 429, headers: { 'retry-after': '5' } })
      }
      const client = createModelClientFromConfig(resolveConfig({ upstream: { apiKey: 'sk-test', maxRetries: 2 } }), { fetch })
      const controller = new AbortController()
      const round = path === 'consume'
        ? client.consume!(REQUEST, controller.signal, () => {})
        : (async () => {
            for await (const _event of client.stream(REQUEST, controller.signal)) { /* drained */ }
          })()
      const settled = round.then(() => null, (error: unknown) => error)
      await vi.advanceTimersByTimeAsync(1_000)
      controller.abort(new Error('stopped'))
      await vi.advanceTimersByTimeAsync(10_000)
      expect(await settled).toBeInstanceOf(Error)
      expect({ requests, retries: retries() }).toEqual({ requests: 1, retries: [] })
    })
  }
})
