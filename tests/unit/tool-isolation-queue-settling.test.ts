/**
 * After each call its worker spends a turn of its event loop checking for leftovers (up to
 * 100 ms while a timer it left is pending) before it takes the next call: docs/tool-isolation.md says calls
 * queue meanwhile. The pool's own count bounds the calls that run and wait (`isolation.maxWorkers`
 * + `isolation.maxQueue`); tinypool's queue, sized `maxQueue` alone, refused a call it would only
 * have held for that turn — with `maxQueue` 0, every call right after another answered.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useIsolationPools } from '../support/isolation-pools'

const context = { userId: 'u', jobId: 'j', threadId: null, step: 1 }

describe('a call made while a worker checks the last call\'s leftovers', () => {
  const pools = useIsolationPools()

  it('isolation.maxQueue 0: calls one after another (a workflow\'s tool nodes, a retry) all run', async () => {
    const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1, maxQueue: 0 } }))
    const texts: unknown[] = []
    for (const text of ['first', 'second', 'third']) {
      const { result } = await isolation.run({ name: 'echo', args: { text }, context, timeoutMs: 60_000 }, new AbortController().signal)
      texts.push((result as { text: string }).text)
    }
    expect(texts).toEqual(['first', 'second', 'third'])
  })

  it('isolation.maxQueue 1: right after a call answered, one call runs and one waits, as with the worker back', async () => {
    const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1, maxQueue: 1 } }))
    await isolation.run({ name: 'echo', args: { text: 'first' }, context, timeoutMs: 60_000 }, new AbortController().signal)
    const next = await Promise.allSettled(['second', 'third'].map(text => isolation.run({ name: 'echo', args: { text }, context, timeoutMs: 60_000 }, new AbortController().signal)))
    expect(next.map(outcome => outcome.status === 'fulfilled' ? (outcome.value.result as { text: string }).text : String(outcome.reason))).toEqual(['second', 'third'])
  })
})
