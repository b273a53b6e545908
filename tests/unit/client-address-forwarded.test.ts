/**
 * The standard `Forwarded` header (RFC 7239) is not read (client-address.ts): behind trusted proxies
 * that send only it, every client would count as the proxy, silently. The first such request is
 * logged once, naming the setting and the header the proxy should send.
 */
import type { H3Event } from 'h3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { clientAddress, forgetForwardedWarning } from '../../server/lib/http/client-address'
import { routeLogger } from '../../server/lib/http/route-logger'
import { parseProxyAddresses } from '../../server/lib/http/proxy-addresses'

function requestFrom(remoteAddress: string, headers: Record<string, string>): H3Event {
  return { node: { req: { socket: { remoteAddress }, headers } } } as unknown as H3Event
}

describe('a Forwarded header behind trusted proxies', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    forgetForwardedWarning()
  })

  it('is not read: the client is the proxy, and one warn line says so, naming X-Forwarded-For and the setting', () => {
    const warn = vi.spyOn(routeLogger, 'warn').mockImplementation(() => {})
    const request = requestFrom('10.0.0.2', { forwarded: 'for=198.51.100.7;proto=https' })
    expect(clientAddress(request, 1)).toBe('10.0.0.2')
    expect(clientAddress(request, 1)).toBe('10.0.0.2')
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toMatch(/Forwarded header \(RFC 7239\).*X-Forwarded-For.*NUXT_BACKGROUND_JOBS_TRUSTED_PROXIES/)
  })

  it('nginx\'s X-Real-IP alone is not read either: one warn line says so', () => {
    const warn = vi.spyOn(routeLogger, 'warn').mockImplementation(() => {})
    const request = requestFrom('10.0.0.2', { 'x-real-ip': '198.51.100.7' })
    expect(clientAddress(request, 1)).toBe('10.0.0.2')
    expect(clientAddress(request, 1)).toBe('10.0.0.2')
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toMatch(/X-Real-IP header and no X-Forwarded-For.*NUXT_BACKGROUND_JOBS_TRUSTED_PROXIES/)
  })

  it('says nothing when X-Forwarded-For is there too, or when no proxy is trusted', () => {
    const warn = vi.spyOn(routeLogger, 'warn').mockImplementation(() => {})
    expect(clientAddress(requestFrom('10.0.0.2', { 'forwarded': 'for=6.6.6.6', 'x-forwarded-for': '198.51.100.7' }), 1)).toBe('198.51.100.7')
    expect(clientAddress(requestFrom('203.0.113.1', { forwarded: 'for=6.6.6.6' }), 0)).toBe('203.0.113.1')
    expect(clientAddress(requestFrom('10.0.0.2', { 'x-real-ip': '6.6.6.6', 'x-forwarded-for': '198.51.100.7' }), 1)).toBe('198.51.100.7')
    expect(warn).not.toHaveBeenCalled()
  })

  it('from a listed proxy (trustedProxyAddresses) too, naming that setting; a client that connects directly is not a proxy and says nothing', () => {
    const warn = vi.spyOn(routeLogger, 'warn').mockImplementation(() => {})
    const proxies = parseProxyAddresses('10.0.0.0/8')
    expect(clientAddress(requestFrom('203.0.113.1', { forwarded: 'for=6.6.6.6' }), proxies)).toBe('203.0.113.1')
    expect(warn).not.toHaveBeenCalled()
    expect(clientAddress(requestFrom('::ffff:10.0.0.2', { forwarded: 'for=198.51.100.7' }), proxies)).toBe('10.0.0.2')
    expect(clientAddress(requestFrom('10.0.0.2', { 'x-real-ip': '198.51.100.7' }), proxies)).toBe('10.0.0.2')
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toMatch(/Forwarded header \(RFC 7239\) and no X-Forwarded-For, with NUXT_BACKGROUND_JOBS_TRUSTED_PROXY_ADDRESSES set: it is not read/)
  })
})
