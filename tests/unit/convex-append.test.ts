/**
 * What a retry drops after an earlier attempt turned out stored (convex-append.ts), and the time
 * limit every Convex call has (call-deadline.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createCallDeadline } from '../../server/lib/providers/call-deadline'
import { dropStored } from '../../server/lib/providers/convex-append'

const status: JobEvent = { type: 'job-status', seq: 1, at: 1, status: 'running' }
const text = (fromSeq: number, seq: number, offset: number, value: string): JobEvent =>
  ({ type: 'text-delta', seq, at: 1, offset, text: value, ...(seq > fromSeq ? { fromSeq } : {}) })

describe('dropping what an earlier attempt stored', () => {
  it('drops whole events up to the stored seq and keeps the rest', () => {
    const sent = [status, text(2, 2, 0, 'a')]
    expect(dropStored([status, text(2, 2, 0, 'a'), text(3, 3, 1, 'b')], 2, sent)).toEqual([text(3, 3, 1, 'b')])
    expect(dropStored([status, text(2, 2, 0, 'a')], 2, sent)).toEqual([])
  })

  it('keeps only the unstored end of a merged delta that straddles the stored seq', () => {
    const sent = [status, text(2, 3, 0, 'Hel')]
    expect(dropStored([status, text(2, 6, 0, 'Hello!')], 3, sent)).toEqual([text(4, 6, 3, 'lo!')])
    expect(dropStored([status, text(2, 4, 0, 'Hello')], 3, sent)).toEqual([text(4, 4, 3, 'lo')])
  })

  it('leaves a straddling delta whole when what was stored does not line up (the store then refuses it)', () => {
    const reasoning: JobEvent = { type: 'reasoning-delta', seq: 2, at: 1, offset: 0, text: 'hm' }
    const straddling = text(2, 4, 0, 'Hello')
    expect(dropStored([status, straddling], 3, [status, reasoning])).toEqual([straddling])
    expect(dropStored([status, straddling], 3, [status, text(2, 3, 0, 'Hello world')])).toEqual([straddling])
  })
})

describe('the time limit of a call', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })
  const deadline = createCallDeadline({ provider: 'convex', storeName: 'Convex', timeoutMs: 1_000, timeoutVariable: 'X_TIMEOUT_MS', retryAfterSeconds: 7 })

  it('passes an answer or a failure through, and leaves no timer behind', async () => {
    await expect(deadline(Promise.resolve(42), 'jobs:get')).resolves.toBe(42)
    await expect(deadline(Promise.reject(new Error('boom')), 'jobs:get')).rejects.toThrow('boom')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('fails with a 503 naming the store, the call and the setting when nothing came in time', async () => {
    const never = new Promise<never>(() => {})
    const waiting = deadline(never, 'jobs:get').catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(999)
    await vi.advanceTimersByTimeAsync(1)
    const error = await waiting
    expect(error).toBeInstanceOf(ProviderUnavailableError)
    expect(error).toMatchObject({ statusCode: 503, retryAfterSeconds: 7, provider: 'convex', message: 'Convex did not answer jobs:get within 1000 ms: the job store is unreachable, retry shortly (X_TIMEOUT_MS)' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('ignores an answer that comes after the time limit', async () => {
    let answer!: (value: number) => void
    const late = new Promise<number>(resolve => (answer = resolve))
    const waiting = deadline(late, 'jobs:get').catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(1_000)
    answer(1)
    expect(await waiting).toBeInstanceOf(ProviderUnavailableError)
  })
})
