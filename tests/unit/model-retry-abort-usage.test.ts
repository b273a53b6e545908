/**
 * A round the endpoint failed before any text with a retryable finish reason
 * (`insufficient_system_resource`) reports the tokens it billed on its error, kept for the retry
 * (retried-usage.ts). When the user stopped the job during the retry's wait, those tokens were
 * dropped: the aborted job's metrics (and `model_tokens_total`) said 0 for 100 billed prompt
 * tokens. The same for a round whose usage had come when the abort arrived. An aborted round now
 * counts what it reported, pushed and pulled.
 */
import { describe, expect, it } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { createTimerSet } from '../../server/lib/timers'
import type { TimerSet } from '../../server/lib/timers'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createFakeRunContext } from '../support/fake-run-context'

const OUT_OF_CAPACITY = `data: ${JSON.stringify({ id: 'c-1', choices: [{ index: 0, delta: { content: '' }, finish_reason: 'insufficient_system_resource' }] })}\n\n`
  + `data: ${JSON.stringify({ id: 'c-1', choices: [], usage: { prompt_tokens: 100, completion_tokens: 0, total_tokens: 100 } })}\n\n`
/** The retry's wait: long, and told apart from the attempt's own timers by its length. */
const RETRY_WAIT_MS = 12_345

/** Timers that call `onRetryWait` when the retry's wait starts (and keep every timer as it is). */
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

describe('a job stopped during a model retry\'s wait', () => {
  it('keeps the tokens the retried attempt was billed for (pushed and pulled)', async () => {
    for (const pushed of [true, false]) {
      let sent = 0
      const fetch: FetchLike = async () => {
        sent++
        return new Response(OUT_OF_CAPACITY, { status: 200, headers: { 'content-type': 'text/event-stream' } })
      }
      let abort = () => {}
      const client = createModelClient({ ...TEST_CLIENT_OPTIONS, retryBaseDelayMs: RETRY_WAIT_MS, maxRetryDelayMs: RETRY_WAIT_MS, baseUrl: 'https://deepseek.test', apiKey: 'sk-test', fetch, timers: retryWaitTimers(() => abort()) })
      const model = pushed ? client : { ...client, consume: undefined }
      const fake = createFakeRunContext({ model })
      abort = () => fake.abort()
      await expect(runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ code: 'aborted' })
      expect(sent).toBe(1)
      expect(fake.metrics.tokens).toEqual({ prompt: 100, completion: 0, total: 100 })
    }
  })
})
