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
import { createConvexProvider } from '../../server/lib/providers/convex'
import { silentLogger } from '../../server/lib/logger'

const SECRET = 'call-in-flight-at-dispose-secret-0123456789'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** What a call came to so far. */
function outcome(call: Promise<unknown>) {
  const seen: { value: unknown } = { value: 'pending' }
  call.then(() => {
    seen.value = 'answered'
  }, (error: unknown) => {
    seen.value = error
  })
  return seen
}

it('a query or a mutation waiting for its answer ends with the shutdown\'s 503 when the provider is disposed', async () => {
  // The real client, on a port nobody listens on: the calls below are sent and never answered.
  const provider = createConvexProvider({ url: 'http://127.0.0.1:9', secret: SECRET, logger: silentLogger, onError: () => {} })
  await provider.ready()
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
