/**
 * A round failed before any text by a retryable finish reason (`insufficient_system_resource`),
 * with its usage on the error, is not sent again when the job (or node) has less time left than the
 * retry's wait: that failure ends the round, with the tokens it was billed for. Those tokens were
 * counted twice (`retried-usage.ts` kept them for a retry, then added them to the same error when
 * the wait was refused): 100 prompt tokens spent read 200 in the job's tokens and its span.
 */
import { describe, expect, it } from 'vitest'
import type { TokenUsage } from '../../shared/events'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import type { ModelError } from '../../server/lib/model/errors'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'

const OUT_OF_CAPACITY = `data: ${JSON.stringify({ id: 'c-1', choices: [{ index: 0, delta: { content: '' }, finish_reason: 'insufficient_system_resource' }] })}\n\n`
  + `data: ${JSON.stringify({ id: 'c-1', choices: [], usage: { prompt_tokens: 100, completion_tokens: 0, total_tokens: 100 } })}\n\n`

/** A fetch that answers each attempt with the next body, counting them. */
function bodies(sent: { count: number }, ...texts: string[]): FetchLike {
  return async () => new Response(texts[sent.count++]!, { status: 200, headers: { 'content-type': 'text/event-stream' } })
}

describe('a retryable failure whose retry the time left refuses', () => {
  it('ends the round with its usage counted once (pushed and pulled)', async () => {
    const seen: Array<{ attempts: number, code: string, usage: TokenUsage | undefined }> = []
    for (const mode of ['pushed', 'pulled'] as const) {
      const sent = { count: 0 }
      // 1 ms left: the retry's wait (retryBaseDelayMs, 1 ms) would outlast the job.
      const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://deepseek.test', apiKey: 'sk-test', timeLeftMs: () => 1, fetch: bodies(sent, OUT_OF_CAPACITY, OUT_OF_CAPACITY) })
      const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] }
      let error: unknown
      try {
        if (mode === 'pushed') await model.consume!(request, new AbortController().signal, () => {})
        else for await (const _event of model.stream(request, new AbortController().signal)) { /* none */ }
      }
      catch (caught) {
        error = caught
      }
      seen.push({ attempts: sent.count, code: (error as ModelError).code, usage: (error as ModelError).usage })
    }
    const once = { attempts: 1, code: 'upstream-stream', usage: { prompt: 100, completion: 0, total: 100 } }
    expect(seen).toEqual([once, once])
  })
})
