/**
 * `rates:take` (and `jobs:create`'s `rate`) with a window that counts nothing sensible: a limit
 * ≤ 0, NaN, Infinity or above 10,000, a window ≤ 0, NaN or over the hour the retention cron keeps
 * hits. Each is a `ConvexInvalidRateError` naming the argument and its value (a 500, not a 503
 * asking to retry), with nothing counted — never a crash on an empty window (limit 0), a window
 * that silently counts nothing (a negative one) or hits the cron deletes while they still count.
 * The engine never sends these: a limit ≤ 0 turns the check off before the call.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ConvexInvalidRateError } from '../../server/lib/providers/convex'
import { createBackend, createInstance, newJob } from './backend'

const MINUTE = 60_000

describe('convex rate windows that count nothing sensible', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(10_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each([
    ['a limit of 0', 0, MINUTE, /limit must be a number above 0 .* got 0$/],
    ['a negative limit', -1, MINUTE, /limit .* got -1$/],
    ['a NaN limit', Number.NaN, MINUTE, /limit .* got NaN$/],
    ['an infinite limit', Number.POSITIVE_INFINITY, MINUTE, /limit .* got Infinity$/],
    ['a limit above 10,000', 1e9, MINUTE, /limit .* at most 10000 .* got 1000000000$/],
    ['a window of 0', 2, 0, /windowMs must be a number above 0 .* got 0$/],
    ['a negative window', 2, -5, /windowMs .* got -5$/],
    ['a NaN window', 2, Number.NaN, /windowMs .* got NaN$/],
    ['a window past the hour hits are kept', 2, 1e20, /windowMs .* at most 3600000 .* got 100000000000000000000$/],
  ])('%s is refused with an error naming it, and counts nothing', async (_name, limit, windowMs, message) => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const error = await provider.takeRate('input:alice', limit, windowMs).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConvexInvalidRateError)
    expect((error as ConvexInvalidRateError).statusCode).toBe(500)
    expect((error as Error).message).toMatch(/^Rate window "input:alice": /)
    expect((error as Error).message).toMatch(message)
    // The same through a creation's rate, which stores no job.
    const job = newJob()
    await expect(provider.create(job, { rates: [{ key: 'create:alice', limit, windowMs }] })).rejects.toBeInstanceOf(ConvexInvalidRateError)
    expect(await provider.get(job.id)).toBeNull()
    expect(await backend.run(async ctx => (await ctx.db.query('rateHits').collect()).length)).toBe(0)
  })

  it('a fractional limit allows the next whole number of hits, as the memory provider does', async () => {
    const { provider } = createInstance(createBackend())
    expect(await provider.takeRate('k', 2.5, MINUTE)).toEqual({ ok: true })
    expect(await provider.takeRate('k', 2.5, MINUTE)).toEqual({ ok: true })
    expect(await provider.takeRate('k', 2.5, MINUTE)).toEqual({ ok: true })
    expect(await provider.takeRate('k', 2.5, MINUTE)).toEqual({ ok: false, retryAfterMs: MINUTE })
  })
})
