/**
 * An h3 app of the layer's routes served while the engine's start waits for the job store
 * (engine-startup.ts): the engine source the test gives refuses with `ProviderUnavailableError`.
 * Errors are answered as JSON `{ statusCode, message }`, as Nitro does. Shared by
 * cors-store-not-reachable and metrics-store-not-reachable.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp, send, setResponseStatus, toNodeListener } from 'h3'
import type { App } from 'h3'
import { afterAll, beforeAll } from 'vitest'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'
import type { EngineSource } from '../../server/lib/engine-instance'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { keepingIdleConnections } from './idle-connections'

/** What the engine source's `get` refuses with: the store is not reachable yet, retry in 5 s. */
export const storeNotReachable = () => Promise.reject(new ProviderUnavailableError('redis', 'The job store is not reachable yet (the server keeps trying); retry shortly', 5))

/** Around the file's tests: `source` as the engine, `use` adding the routes; `base` is the server's URL. */
export function useStoreUnreachableApp(source: () => EngineSource, use: (app: App) => void): { readonly base: string } {
  const server = keepingIdleConnections(createServer())
  const served = { base: '' }
  beforeAll(async () => {
    setBackgroundJobsEngine(source())
    const app = createApp({
      onError: async (error, event) => {
        setResponseStatus(event, error.statusCode || 500, error.statusMessage)
        await send(event, JSON.stringify({ statusCode: error.statusCode, message: error.message }), 'application/json')
      },
    })
    use(app)
    server.on('request', toNodeListener(app))
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    served.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    setBackgroundJobsEngine(null)
    await new Promise(resolve => server.close(resolve))
  })
  return served
}
