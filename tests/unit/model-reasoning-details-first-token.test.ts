/**
 * A thinking model behind OpenRouter may send its reasoning only as `reasoning_details` blocks
 * (an encrypted block, OpenAI's and Gemini's, comes alone on a delta with no reasoning text and
 * yields no event until the round ends). That block is the model answering: the first-token limit
 * stops there and the stall limit takes over — on both the pull (`stream`) and the push
 * (`consume`) path (fake timers).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { UpstreamTimeoutError } from '../../server/lib/model/errors'
import type { ModelRequest } from '../../server/lib/model/types'
import { runOnPushedBody } from '../support/pushed-model-body'

const REQUEST: ModelRequest = { model: 'openai/o4-mini', messages: [{ role: 'user', content: 'Think hard, then answer' }] }
const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`
const ENCRYPTED = { type: 'reasoning.encrypted', data: 'gAAAAB-opaque', format: 'openai-responses-v1', index: 0 }

afterEach(() => {
  expect(vi.getTimerCount()).toBe(0)
  vi.useRealTimers()
})

const run = (mode: 'pull' | 'push') => runOnPushedBody(mode, REQUEST)

describe.each(['pull', 'push'] as const)('model client (%s): a delta carrying only reasoning_details', (mode) => {
  it('stops the first-token limit: the answer that follows within the stall limit is not cut off', async () => {
    vi.useFakeTimers()
    const { body, result, finished } = run(mode)
    await vi.advanceTimersByTimeAsync(8_000)
    body.push(chunk({ role: 'assistant', content: '', reasoning: null, reasoning_details: [ENCRYPTED] }))
    // 12 s after the request (past the 10 s first-token limit), 4 s after the block (within the 5 s stall limit).
    await vi.advanceTimersByTimeAsync(4_000)
    expect(result.error).toBeUndefined()
    body.push(chunk({ content: 'The answer.' }))
    body.push(chunk({}, 'stop'))
    body.push('data: [DONE]\n\n')
    body.end()
    await vi.advanceTimersByTimeAsync(0)
    await finished
    expect(result.error).toBeUndefined()
    expect(result.events).toEqual([
      { type: 'text-delta', text: 'The answer.' },
      { type: 'finish', finishReason: 'stop', reasoningDetails: [ENCRYPTED] },
    ])
  })

  it('then the stall limit applies: silence after the block fails as a stall', async () => {
    vi.useFakeTimers()
    const { body, result, finished } = run(mode)
    await vi.advanceTimersByTimeAsync(1_000)
    body.push(chunk({ reasoning_details: [ENCRYPTED] }))
    await vi.advanceTimersByTimeAsync(4_999)
    expect(result.error).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(result.error).toBeInstanceOf(UpstreamTimeoutError)
    expect((result.error as UpstreamTimeoutError).kind).toBe('stall')
    await finished
  })
})
