/**
 * A job stopped during a model retry's wait keeps the tokens the retried attempt was billed for
 * (model-retry-abort-usage.test.ts proves it of the run's metrics, on a fake run context). In the
 * engine the abort writes the job's end at once, from the metrics of that moment; the aborted
 * round reported its usage only as it unwound, after that: `model_tokens_total` counted the 100
 * prompt tokens, but the stored `job-end` metrics (what `GET /api/jobs/:id`, the stream and a
 * reload show) said 0, and the `job ended` line, written later from the run's metrics, said 100.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { JobSummary } from '../../shared/api-types'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { useMetrics } from '../../server/lib/metrics'
import { createTimerSet } from '../../server/lib/timers'
import type { TimerSet } from '../../server/lib/timers'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

const OUT_OF_CAPACITY = `data: ${JSON.stringify({ id: 'c-1', choices: [{ index: 0, delta: { content: '' }, finish_reason: 'insufficient_system_resource' }] })}\n\n`
  + `data: ${JSON.stringify({ id: 'c-1', choices: [], usage: { prompt_tokens: 100, completion_tokens: 0, total_tokens: 100 } })}\n\n`
const RETRY_WAIT_MS = 12_345

/** Timers that call `onRetryWait` when the retry's wait starts. */
function retryWaitTimers(onRetryWait: () => void): TimerSet {
  const timers = createTimerSet()
  return {
    timeout(callback, delayMs, options) {
      const cancel = timers.timeout(callback, delayMs, options)
      if (delayMs === RETRY_WAIT_MS) queueMicrotask(onRetryWait)
      return cancel
    },
    interval: (callback, delayMs) => timers.interval(callback, delayMs),
    get size() {
      return timers.size
    },
    clearAll: () => timers.clearAll(),
  }
}

afterEach(() => useMetrics().reset())

describe('a job the user stops during a model retry\'s wait, in the engine', () => {
  it('stores the tokens the retried attempt was billed for in its job-end metrics, as logged and counted', async () => {
    for (const pushed of [true, false]) {
      useMetrics().reset()
      const fetch: FetchLike = async () => new Response(OUT_OF_CAPACITY, { status: 200, headers: { 'content-type': 'text/event-stream' } })
      let abort = () => {}
      const stopped = new Promise<JobSummary>((resolve) => {
        abort = () => resolve(engine.abortJob('u1', id))
      })
      const client = createModelClient({ ...TEST_CLIENT_OPTIONS, retryBaseDelayMs: RETRY_WAIT_MS, maxRetryDelayMs: RETRY_WAIT_MS, baseUrl: 'https://deepseek.test', apiKey: 'sk-test', fetch, timers: retryWaitTimers(() => abort()) })
      const { logger, lines } = recordingLogger()
      const { engine } = createTestEngine({ runners: { chat: runChatJob }, model: pushed ? client : { ...client, consume: undefined }, logger })
      const { job } = await engine.createJob('u1', { request: chatRequest })
      const id = job.id
      expect((await stopped).status).toBe('aborted')
      const { state } = await engine.getJob('u1', id)
      const billed = { prompt: 100, completion: 0, total: 100 }
      expect(state.metrics?.tokens, pushed ? 'pushed' : 'pulled').toEqual(billed)
      expect(useMetrics().snapshot().counters['model_tokens_total{kind="prompt"}']).toBe(100)
      expect(lines.find(line => line.message === 'job ended')?.fields?.usage).toEqual(billed)
      await engine.dispose()
    }
  })
})
