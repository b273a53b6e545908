/**
 * Group commit of the Redis provider's appends (server/lib/providers/redis-append-batch.ts), with
 * a fake `send` and fake timers: what goes out together, when, and who gets which answer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AppendCall, AppendReply } from '../../server/lib/providers/redis-append-batch'
import { createAppendBatcher } from '../../server/lib/providers/redis-append-batch'

const call = (id: string, events = '[]'): AppendCall => ({ id, epoch: '', heads: '[]', events })

function harness(options: { windowMs?: number, maxBytes?: number, now?: () => number } = {}) {
  const sent: AppendCall[][] = []
  let answer: (calls: AppendCall[]) => Promise<AppendReply[]> = async calls => calls.map((_, index) => ['ok', index + 1] as AppendReply)
  const batcher = createAppendBatcher({
    windowMs: options.windowMs ?? 5,
    maxBytes: options.maxBytes ?? 1_000_000,
    now: options.now,
    send: (calls) => {
      sent.push(calls)
      return answer(calls)
    },
  })
  return { batcher, sent, answerWith: (next: typeof answer) => { answer = next } }
}

describe('redis append batcher', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('sends the first appends of a quiet instance at the end of their turn, together, each with its own reply', async () => {
    const { batcher, sent } = harness()
    const start = Date.now()
    const first = batcher.append(call('a'))
    const second = batcher.append(call('b'))
    expect(sent).toHaveLength(0)
    await vi.advanceTimersToNextTimerAsync()
    expect(sent.map(group => group.map(each => each.id))).toEqual([['a', 'b']])
    expect(Date.now()).toBe(start)
    await expect(first).resolves.toEqual(['ok', 1])
    await expect(second).resolves.toEqual(['ok', 2])
    batcher.close()
  })

  it('gathers appends inside the window until it ends, then opens the next; a quiet window closes it', async () => {
    const { batcher, sent } = harness({ windowMs: 5 })
    void batcher.append(call('a'))
    await vi.advanceTimersByTimeAsync(0)
    expect(sent).toHaveLength(1)
    void batcher.append(call('b'))
    await vi.advanceTimersByTimeAsync(2)
    void batcher.append(call('c'))
    await vi.advanceTimersByTimeAsync(2)
    expect(sent).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(sent.map(group => group.map(each => each.id))).toEqual([['a'], ['b', 'c']])
    // The next window passes with nothing in it: the instance is quiet again.
    await vi.advanceTimersByTimeAsync(5)
    expect(vi.getTimerCount()).toBe(0)
    void batcher.append(call('d'))
    await vi.advanceTimersByTimeAsync(0)
    expect(sent.map(group => group.map(each => each.id))).toEqual([['a'], ['b', 'c'], ['d']])
    expect(batcher.groups).toBe(3)
    batcher.close()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('on a busy event loop (a turn longer than the window) sends at the end of the turn that appended, not a turn later', async () => {
    let clock = 0
    const { batcher, sent } = harness({ windowMs: 5, now: () => clock })
    void batcher.append(call('a'))
    await vi.advanceTimersByTimeAsync(0)
    clock = 1
    void batcher.append(call('b'))
    // The rest of this turn keeps the process busy for 11 ms before the turn ends.
    clock = 12
    await vi.advanceTimersByTimeAsync(0)
    expect(sent.map(group => group.map(each => each.id))).toEqual([['a'], ['b']])
    expect(vi.getTimerCount()).toBe(0)
    batcher.close()
  })

  it('cuts a group once it holds maxBytes (UTF-8), without waiting', async () => {
    const { batcher, sent } = harness({ maxBytes: 20 })
    void batcher.append(call('a', '"ééééé"'))
    expect(sent).toHaveLength(0)
    void batcher.append(call('b', '"ééééé"'))
    expect(sent.map(group => group.map(each => each.id))).toEqual([['a', 'b']])
    batcher.close()
  })

  it('rejects every append of a group whose call failed, and a group answered short', async () => {
    const { batcher, answerWith } = harness()
    answerWith(async () => {
      throw new Error('connection lost')
    })
    const outcome = (promise: Promise<AppendReply>) => promise.then(reply => reply, (error: Error) => error.message)
    const failed = [outcome(batcher.append(call('a'))), outcome(batcher.append(call('b')))]
    await vi.advanceTimersByTimeAsync(0)
    expect(await Promise.all(failed)).toEqual(['connection lost', 'connection lost'])
    answerWith(async () => [['ok', 1]])
    await vi.advanceTimersByTimeAsync(10)
    const short = [outcome(batcher.append(call('c'))), outcome(batcher.append(call('d')))]
    await vi.advanceTimersByTimeAsync(0)
    expect(await Promise.all(short)).toEqual([['ok', 1], 'The append script answered 1 of 2 appends'])
    batcher.close()
  })

  it('with a 0 ms window gathers one turn only, and close sends what is gathered and stops its timers', async () => {
    const zero = harness({ windowMs: 0 })
    void zero.batcher.append(call('a'))
    await vi.advanceTimersByTimeAsync(0)
    void zero.batcher.append(call('b'))
    await vi.advanceTimersByTimeAsync(0)
    expect(zero.sent).toHaveLength(2)
    expect(vi.getTimerCount()).toBe(0)
    const closing = harness()
    const pending = closing.batcher.append(call('x'))
    closing.batcher.close()
    expect(closing.sent).toHaveLength(1)
    await expect(pending).resolves.toEqual(['ok', 1])
    expect(vi.getTimerCount()).toBe(0)
  })
})
