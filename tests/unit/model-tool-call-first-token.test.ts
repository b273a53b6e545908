/**
 * A round whose answer is a tool call with long arguments (a file, a document) streams fragments
 * for a while with no event (calls go out when the round ends): those fragments are the model
 * answering, so the first-token limit stops there and the stall limit takes over — on both the
 * pull (`stream`) and the push (`consume`) path (fake timers).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { UpstreamTimeoutError } from '../../server/lib/model/errors'
import type { ModelRequest } from '../../server/lib/model/types'
import { runOnPushedBody } from '../support/pushed-model-body'

const REQUEST: ModelRequest = { model: 'test/model', messages: [{ role: 'user', content: 'Write the report to a file' }] }
const chunk = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`
const fragment = (value: Record<string, unknown>, finishReason: string | null = null) =>
  chunk({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, ...value }] }, finish_reason: finishReason }] })

afterEach(() => {
  expect(vi.getTimerCount()).toBe(0)
  vi.useRealTimers()
})

const run = (mode: 'pull' | 'push') => runOnPushedBody(mode, REQUEST)

describe.each(['pull', 'push'] as const)('model client (%s): a tool call streaming its arguments', (mode) => {
  it('is not cut off by the first-token limit while its fragments keep coming', async () => {
    vi.useFakeTimers()
    const { body, result, finished } = run(mode)
    body.push(fragment({ id: 'call_file', type: 'function', function: { name: 'write_file', arguments: '' } }))
    body.push(fragment({ function: { arguments: '{"text":"' } }))
    // 24 s of steady fragments, well past the 10 s first-token limit, never 5 s apart.
    for (let second = 0; second < 8; second++) {
      await vi.advanceTimersByTimeAsync(3_000)
      body.push(fragment({ function: { arguments: 'more ' } }))
    }
    body.push(fragment({ function: { arguments: '"}' } }, 'tool_calls'))
    body.push('data: [DONE]\n\n')
    body.end()
    await vi.advanceTimersByTimeAsync(0)
    await finished
    expect(result.error).toBeUndefined()
    expect(result.events).toEqual([
      { type: 'tool-call', call: { id: 'call_file', name: 'write_file', arguments: `{"text":"${'more '.repeat(8)}"}` } },
      { type: 'finish', finishReason: 'tool_calls' },
    ])
  })

  it('fails with a stall timeout when its fragments stop', async () => {
    vi.useFakeTimers()
    const { body, result, finished } = run(mode)
    body.push(fragment({ id: 'call_file', type: 'function', function: { name: 'write_file', arguments: '{"text":"' } }))
    await vi.advanceTimersByTimeAsync(4_999)
    expect(result.error).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(result.error).toBeInstanceOf(UpstreamTimeoutError)
    expect((result.error as UpstreamTimeoutError).kind).toBe('stall')
    await finished
  })
})
