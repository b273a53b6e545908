/**
 * A call that reaches the Convex provider after `dispose()` (a request still in flight when the
 * shutdown signal disposed the engine: a job read, an abort, a listing). `dispose` closes the
 * provider's `ConvexClient`, and a closed client never settles a later query or mutation: the call
 * used to wait out its whole time limit (`convexTimeoutMs`, 10 s), holding its request — and
 * Nitro's graceful shutdown, which waits for open connections — then answered a 503 saying
 * Convex did not answer. Now it gets the shutdown's 503 at once.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { ShuttingDownError } from '../../server/lib/errors'
import { outcome, unansweredProvider } from './unanswered-provider'

const SECRET = 'call-after-dispose-secret-0123456789abcdef'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('a query or a mutation after dispose is refused at once', async () => {
  // The real client, on a port nobody listens on: the calls below never reach a deployment.
  const provider = await unansweredProvider(SECRET)
  await provider.dispose()

  const read = outcome(provider.get('job-1'))
  const control = outcome(provider.sendControl!('job-1', { type: 'abort', userId: 'u1' }))
  await vi.advanceTimersByTimeAsync(0)

  expect(read.value).toBeInstanceOf(ShuttingDownError)
  expect(control.value).toBeInstanceOf(ShuttingDownError)
})
