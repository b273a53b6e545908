/**
 * The boot check through the real client facade and `createProviderFromConfig`: a deployment
 * without the layer's functions fails the boot as a retryable error naming the URL variable, and
 * the failed attempt closes its client (the engine's next attempt opens another).
 */
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { StoreUnreachableError } from '../../server/lib/errors'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'

const clients = vi.hoisted(() => ({ opened: 0, closed: 0 }))

// Stands for a deployment that answers, without the layer's functions deployed.
vi.mock('convex/browser', () => ({
  ConvexClient: class {
    constructor() {
      clients.opened++
    }

    connectionState() {
      return { connectionCount: 1 }
    }

    subscribeToConnectionState() {
      return () => {}
    }

    onUpdate(_query: unknown, _args: unknown, _onUpdate: unknown, onError: (error: Error) => void) {
      queueMicrotask(() => onError(new Error('[Request ID: 1] Server Error\nCould not find public function for \'health:check\'. Did you forget to run `npx convex dev` or `npx convex deploy`?')))
      return () => {}
    }

    async close() {
      clients.closed++
    }
  },
}))

describe('booting the convex provider from config', () => {
  it('fails naming the URL variable and closes the client when the functions are not deployed', async () => {
    const secret = 's'.repeat(32)
    const boot = createProviderFromConfig({ ...DEFAULT_CONFIG, provider: 'convex', convexUrl: 'https://happy-otter-123.convex.cloud', convexSecret: secret })
    const error = await boot.then(() => null, (caught: unknown) => caught as Error)
    expect(error).toBeInstanceOf(StoreUnreachableError)
    expect(error!.message).toMatch(/at https:\/\/happy-otter-123\.convex\.cloud \(NUXT_BACKGROUND_JOBS_CONVEX_URL\) does not have the layer's Convex functions/)
    expect(error!.message).not.toContain(secret)
    expect(clients).toEqual({ opened: 1, closed: 1 })
  })
})
