/**
 * A call still waiting for Convex's answer when `dispose()` closes the provider's `ConvexClient`
 * (a request in flight as the shutdown signal disposed the engine: a job read, an abort, a
 * listing). A closed client never settles the calls it had not heard back about, so the call
 * waited out its whole time limit (`convexTimeoutMs`, 10 s) — holding its request, and Nitro's
 * graceful shutdown, which waits for open connections — then answered a 503 saying Convex did not
 * answer. Now it gets the shutdown's 503 as the client closes.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { ShuttingDownError } from '../../server/lib/errors'
import { outcome, unansweredProvider } from './unanswered-provider'

const SECRET = 'call-in-flight-at-dispose-secret-0123456789'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('a query or a mutation waiting for its answer ends with the shutdown\'s 503 when the provider is disposed', async () => {
  // The real client, on a port nobody listens on: the calls below are sent and never answered.
  const provider = await unansweredProvider(SECRET)
  const read = outcome(provider.get('job-1'))
  const control = outcome(provider.sendControl!('job-1', { type: 'abort', userId: 'u1' }))
  await vi.advanceTimersByTimeAsync(0)
  expect({ read: read.value, control: control.value }).toEqual({ read: 'pending', control: 'pending' })

  await provider.dispose()
  // Well within the calls' own time limit (10 s).
  await vi.advanceTimersByTimeAsync(100)

  expect(read.value).toBeInstanceOf(ShuttingDownError)
  expect(control.value).toBeInstanceOf(ShuttingDownError)
})
