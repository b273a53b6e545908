/**
 * Once a `finish_reason` came the answer is whole (or failed so): a body that then breaks off (a
 * connection reset before `[DONE]`) or stays open past the stall limit ends the round as the body's
 * end would — on both the pull (`stream`) and the push (`consume`) path (fake timers). Before, a
 * whole answer failed the job `upstream-network` / `upstream-timeout`, and a generation that had
 * failed with `finish_reason: "error"` was reported as a broken connection. Only a finish that
 * stands counts: some gateways put a finish reason on chunks that are not the last, and a reset
 * mid-answer must not read as a whole answer there.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { UpstreamNetworkError, UpstreamStreamError } from '../../server/lib/model/errors'
import type { ModelRequest } from '../../server/lib/model/types'
import { runOnPushedBody } from '../support/pushed-model-body'

const REQUEST: ModelRequest = { model: 'test/model', messages: [{ role: 'user', content: 'Hi' }] }
const chunk = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`
const delta = (value: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}) =>
  chunk({ choices: [{ index: 0, delta: value, finish_reason: finishReason, ...extra }] })
const USAGE = chunk({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } })
const reset = () => Object.assign(new Error('aborted'), { code: 'ECONNRESET' })

afterEach(() => {
  expect(vi.getTimerCount()).toBe(0)
  vi.useRealTimers()
})

describe.each(['pull', 'push'] as const)('model client (%s): after the finish reason', (mode) => {
  it('a connection reset before [DONE] ends the round with the whole answer; a cut last line does not count', async () => {
    vi.useFakeTimers()
    const { body, result, finished } = runOnPushedBody(mode, REQUEST)
    body.push(delta({ content: 'Whole answer.' }))
    body.push(delta({}, 'stop') + USAGE)
    body.push('data: {"choices":[],"usa')
    await vi.advanceTimersByTimeAsync(0)
    body.fail(reset())
    await finished
    expect(result.error).toBeUndefined()
    expect(result.events).toEqual([
      { type: 'text-delta', text: 'Whole answer.' },
      { type: 'usage', usage: { prompt: 3, completion: 4, total: 7 } },
      { type: 'finish', finishReason: 'stop' },
    ])
  })

  it('a body left open past the stall limit ends the round with the whole answer, not a timeout', async () => {
    vi.useFakeTimers()
    const { body, result, finished } = runOnPushedBody(mode, REQUEST)
    body.push(delta({ content: 'Whole answer.' }) + delta({}, 'stop'))
    await vi.advanceTimersByTimeAsync(5_000)
    await finished
    expect(result.error).toBeUndefined()
    expect(result.events).toEqual([{ type: 'text-delta', text: 'Whole answer.' }, { type: 'finish', finishReason: 'stop' }])
  })

  it('a generation that failed with finish_reason "error", then a reset, fails as that generation did', async () => {
    vi.useFakeTimers()
    const { body, result, finished } = runOnPushedBody(mode, REQUEST)
    body.push(delta({ content: 'Part' }) + delta({}, 'error', { native_finish_reason: 'MALFORMED_FUNCTION_CALL' }) + USAGE)
    await vi.advanceTimersByTimeAsync(0)
    body.fail(reset())
    await finished
    expect(result.events).toEqual([{ type: 'text-delta', text: 'Part' }])
    expect(result.error).toBeInstanceOf(UpstreamStreamError)
    expect((result.error as Error).message).toContain('finish_reason "error" (MALFORMED_FUNCTION_CALL)')
    expect((result.error as UpstreamStreamError).usage).toEqual({ prompt: 3, completion: 4, total: 7 })
  })

  it('a finish reason that content follows (a gateway marking chunks that are not the last) does not stand: a reset after it is still a broken connection', async () => {
    vi.useFakeTimers()
    const { body, result, finished } = runOnPushedBody(mode, REQUEST)
    body.push(delta({ content: 'Half' }, 'stop') + delta({ content: ' an' }, 'stop'))
    await vi.advanceTimersByTimeAsync(0)
    body.fail(reset())
    await finished
    expect(result.events).toEqual([{ type: 'text-delta', text: 'Half' }, { type: 'text-delta', text: ' an' }])
    expect(result.error).toBeInstanceOf(UpstreamNetworkError)
  })

  it('a finish reason on the last content chunk stands once usage confirms it, not before', async () => {
    vi.useFakeTimers()
    const confirmed = runOnPushedBody(mode, REQUEST)
    confirmed.body.push(delta({ content: 'Whole answer.' }, 'stop') + USAGE)
    await vi.advanceTimersByTimeAsync(0)
    confirmed.body.fail(reset())
    await confirmed.finished
    expect(confirmed.result.error).toBeUndefined()
    expect(confirmed.result.events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' })

    const unconfirmed = runOnPushedBody(mode, REQUEST)
    unconfirmed.body.push(delta({ content: 'Maybe whole.' }, 'stop'))
    await vi.advanceTimersByTimeAsync(0)
    unconfirmed.body.fail(reset())
    await unconfirmed.finished
    expect(unconfirmed.result.error).toBeInstanceOf(UpstreamNetworkError)
  })

  it('a reset before any finish reason is still a broken connection, the text kept', async () => {
    vi.useFakeTimers()
    const { body, result, finished } = runOnPushedBody(mode, REQUEST)
    body.push(delta({ content: 'Half an' }))
    await vi.advanceTimersByTimeAsync(0)
    body.fail(reset())
    await finished
    expect(result.events).toEqual([{ type: 'text-delta', text: 'Half an' }])
    expect(result.error).toBeInstanceOf(UpstreamNetworkError)
  })
})
