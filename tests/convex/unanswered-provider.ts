/**
 * The real Convex provider on a port nobody listens on (its calls are sent and never answered), and
 * a record of where a call stands. Shared by call-after-dispose and call-in-flight-at-dispose.
 */
import { silentLogger } from '../../server/lib/logger'
import { createConvexProvider } from '../../server/lib/providers/convex'

/** The provider at `http://127.0.0.1:9`, ready. */
export async function unansweredProvider(secret: string) {
  const provider = createConvexProvider({ url: 'http://127.0.0.1:9', secret, logger: silentLogger, onError: () => {} })
  await provider.ready()
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
