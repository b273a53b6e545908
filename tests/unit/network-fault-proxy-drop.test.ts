/**
 * The browser tests' network fault proxy (tests/support/network-fault-proxy.ts) can take the whole
 * network away and bring it back, under the test's control: bad-network.browser.test.ts brings it
 * back before it tells the page it is online, so the page's first request after `online` passes.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, expect, it } from 'vitest'
import type { NetworkFaultProxy } from '../support/network-fault-proxy'
import { startNetworkFaultProxy } from '../support/network-fault-proxy'

const stops: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop()
})

/** A proxy in front of a server that answers `ok`. */
async function proxied(): Promise<NetworkFaultProxy> {
  const server = createServer((request, response) => response.end('ok'))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  stops.push(() => new Promise(resolve => server.close(() => resolve())))
  const proxy = await startNetworkFaultProxy(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  stops.push(() => {
    server.closeAllConnections()
    return proxy.close()
  })
  return proxy
}

it('dropNetwork resets what is open and every new connection; restoreNetwork lets them through again', async () => {
  const proxy = await proxied()
  expect(await (await fetch(proxy.url)).text()).toBe('ok')
  proxy.dropNetwork()
  await expect(fetch(proxy.url)).rejects.toThrow()
  await expect(fetch(proxy.url)).rejects.toThrow()
  proxy.restoreNetwork()
  expect(await (await fetch(proxy.url)).text()).toBe('ok')
})
