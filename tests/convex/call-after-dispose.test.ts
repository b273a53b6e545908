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
import { createConvexProvider } from '../../server/lib/providers/convex'
import { silentLogger } from '../../server/lib/logger'

const SECRET = 'call-after-dispose-secret-0123456789abcdef'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('a query or a mutation after dispose is refused at once', async () => {
  // The real client, on a port nobody listens on: the calls below never reach a deployment.
  const provider = createConvexProvider({ url: 'http://127.0.0.1:9', secret: SECRET, logger: silentLogger, onError: () => {} })
  await provider.ready()
  await provider.dispose()

  const outcome = (call: Promise<unknown>) => {
    const seen: { value: unknown } = { value: 'pending' }
    call.then(() => {
      seen.value = 'answered'
    }, (error: unknown) => {
      seen.value = error
    })
    return seen
  }
  const read = outcome(provider.get('job-1'))
  const control = outcome(provider.sendControl!('job-1', { type: 'abort', userId: 'u1' }))
  await vi.advanceTimersByTimeAsync(0)

  expect(read.value).toBeInstanceOf(ShuttingDownError)
  expect(control.value).toBeInstanceOf(ShuttingDownError)
})
