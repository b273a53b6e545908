/**
 * The real Convex provider on a port nobody listens on (its calls are sent and never answered), and
 * a record of where a call stands. Shared by call-after-dispose and call-in-flight-at-dispose.
 */
import { silentLogger } from '../../server/lib/logger'
import { vi } from 'vitest'
import { createConvexProvider, DEFAULT_CONVEX_TIMEOUT_MS } from '../../server/lib/providers/convex'

/**
 * The provider at `http://127.0.0.1:9`, its client loaded (under fake timers). `ready()` loads the
 * client, then its boot check (`health:check`) gets no answer and fails at the call's time limit,
 * as a boot against an unreachable deployment does; the provider itself stays usable.
 */
export async function unansweredProvider(secret: string) {
  const provider = createConvexProvider({ url: 'http://127.0.0.1:9', secret, logger: silentLogger, onError: () => {} })
  // The client's package imported first, so the check is sent before fake time is advanced.
  await import('convex/browser')
  const ready = provider.ready().catch(() => {})
  await vi.advanceTimersByTimeAsync(DEFAULT_CONVEX_TIMEOUT_MS)
  await ready
  return provider
}

/** What a call came to so far: `pending`, `answered`, or its error. */
export function outcome(call: Promise<unknown>) {
  const seen: { value: unknown } = { value: 'pending' }
  call.then(() => {
    seen.value = 'answered'
  }, (error: unknown) => {
    seen.value = error
  })
  return seen
}
