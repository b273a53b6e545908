/**
 * One h3 handler served on 127.0.0.1 for each test of a file (a fresh server per test, closed
 * after it). Shared by user-cookie-prefix, user-cookie-proxy-chain and cookie-secret-rotation.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp, toNodeListener } from 'h3'
import type { EventHandler } from 'h3'
import { afterEach, beforeEach } from 'vitest'
import { keepingIdleConnections } from './idle-connections'

/** Serves `handler` around each test; `port` is the current server's. */
export function useH3Server(handler: EventHandler): { readonly port: number } {
  let server: Server
  const served = { port: 0 }
  beforeEach(async () => {
    server = keepingIdleConnections(createServer(toNodeListener(createApp().use(handler))))
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    served.port = (server.address() as AddressInfo).port
  })
  afterEach(async () => {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  })
  return served
}
