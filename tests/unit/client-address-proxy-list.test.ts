/**
 * `trustedProxyAddresses` (decision 031): a `trustedProxies` count trusts whatever peer connects, so a
 * client reaching the app directly named any address in its own `X-Forwarded-For` and rotated past
 * every per-address limit. With the proxies listed by address, the header is read only from a listed
 * proxy's connection, and the client is its first entry from the right that is not a listed proxy.
 */
import type { H3Event } from 'h3'
import { describe, expect, it } from 'vitest'
import { clientAddress } from '../../server/lib/http/client-address'
import { parseProxyAddresses, trustedProxiesOf } from '../../server/lib/http/proxy-addresses'
import { DEFAULT_CONFIG } from '../../server/lib/config'

function requestFrom(remoteAddress: string, forwardedFor?: string): H3Event {
  return { node: { req: { socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } } } } as unknown as H3Event
}

const proxies = parseProxyAddresses('10.0.0.0/8, 192.168.1.5,fd00::/8')

describe('the client address behind proxies listed by address', () => {
  it('a client that reaches the app directly cannot name an address: its X-Forwarded-For is not read', () => {
    expect(clientAddress(requestFrom('203.0.113.9', '198.51.100.1'), proxies)).toBe('203.0.113.9')
    expect(clientAddress(requestFrom('203.0.113.9', '198.51.100.2, 10.0.0.1'), proxies)).toBe('203.0.113.9')
    // The count reads it from anyone: the spoof this setting closes.
    expect(clientAddress(requestFrom('203.0.113.9', '198.51.100.1'), 1)).toBe('198.51.100.1')
  })

  it('through a listed proxy, the client is the first entry from the right that is not a listed proxy', () => {
    expect(clientAddress(requestFrom('10.0.0.2', '198.51.100.7'), proxies)).toBe('198.51.100.7')
    // A chain of listed proxies (a CDN edge in 192.168.1.5, then a load balancer in 10/8).
    expect(clientAddress(requestFrom('10.0.0.2', '198.51.100.7, 192.168.1.5, 10.1.2.3'), proxies)).toBe('198.51.100.7')
    // What the client wrote left of its own address is not read, whatever it says.
    expect(clientAddress(requestFrom('10.0.0.2', '6.6.6.6, 10.9.9.9, 198.51.100.7, 10.1.2.3'), proxies)).toBe('198.51.100.7')
    // Repeated headers (Node joins them with commas), spaces and empty entries.
    expect(clientAddress(requestFrom('10.0.0.2', ' 198.51.100.7 ,, 10.1.2.3 ,'), proxies)).toBe('198.51.100.7')
  })

  it('with only listed proxies in the header, the leftmost (the farthest known hop); with no header, the peer', () => {
    expect(clientAddress(requestFrom('10.0.0.2', '10.3.3.3, 10.1.2.3'), proxies)).toBe('10.3.3.3')
    expect(clientAddress(requestFrom('10.0.0.2'), proxies)).toBe('10.0.0.2')
  })

  it('IPv6 proxies and clients (a client by its /64), bracketed entries with ports', () => {
    expect(clientAddress(requestFrom('fd12::1', '2001:db8:1:2::77'), proxies)).toBe('2001:db8:1:2::/64')
    expect(clientAddress(requestFrom('fd12::1', '[2001:db8:1:2::77]:5678, [fd00::9]:443'), proxies)).toBe('2001:db8:1:2::/64')
    expect(clientAddress(requestFrom('fe80::1%eth0', '198.51.100.7'), proxies)).toBe('fe80:0:0:0::/64')
  })

  it('an IPv4-mapped peer (a dual-stack socket) is matched as its IPv4 address', () => {
    expect(clientAddress(requestFrom('::ffff:10.0.0.1', '198.51.100.7'), proxies)).toBe('198.51.100.7')
    expect(clientAddress(requestFrom('::FFFF:10.0.0.1', '198.51.100.7, ::ffff:10.2.2.2'), proxies)).toBe('198.51.100.7')
    expect(clientAddress(requestFrom('::ffff:203.0.113.9', '198.51.100.7'), proxies)).toBe('203.0.113.9')
  })

  it('an IPv4-mapped address in hex or all eight groups matches its IPv4 entry as the dotted form does (node:net BlockList)', () => {
    // 192.168.1.5 (listed) and 10.1.2.3 (in 10/8), as proxies and X-Forwarded-For entries write them.
    for (const listed of ['::ffff:192.168.1.5', '::ffff:c0a8:105', '::ffff:c0a8:0105', '::FFFF:C0A8:105', '0:0:0:0:0:ffff:c0a8:105', '[::ffff:c0a8:105]:443']) {
      expect(clientAddress(requestFrom('10.0.0.2', `198.51.100.7, ${listed}`), proxies)).toBe('198.51.100.7')
      expect(clientAddress(requestFrom(listed, '198.51.100.7'), proxies)).toBe('198.51.100.7')
    }
    expect(clientAddress(requestFrom('::ffff:a01:203', '198.51.100.7, ::ffff:a01:203'), proxies)).toBe('198.51.100.7')
    // Not listed: counted as the IPv4 client it is, in any form; an IPv4-translated (::ffff:0:…) address is not mapped.
    expect(clientAddress(requestFrom('10.0.0.2', '::ffff:c633:6407'), proxies)).toBe('198.51.100.7')
    expect(clientAddress(requestFrom('10.0.0.2', '198.51.100.7, ::ffff:0:c0a8:105'), proxies)).toBe('0:0:0:0::/64')
  })

  it('a NAT64 address (64:ff9b::/96) is not its IPv4 entry: a translated peer is trusted only when listed as such (decision 031)', () => {
    // 10.0.0.1 is listed; 64:ff9b::a00:1 is what a translator makes of it: another address, counted as the IPv4 client it carries.
    expect(clientAddress(requestFrom('64:ff9b::a00:1', '198.51.100.7'), proxies)).toBe('10.0.0.1')
    expect(clientAddress(requestFrom('10.0.0.2', '198.51.100.7, 64:ff9b::10.1.2.3'), proxies)).toBe('10.1.2.3')
    // Listed in its NAT64 form (an address, or the IPv4 /8 as a /104), it is a proxy.
    const translated = parseProxyAddresses('64:ff9b::a00:1, 64:ff9b::10.0.0.0/104')
    expect(clientAddress(requestFrom('64:ff9b::a00:1', '198.51.100.7'), translated)).toBe('198.51.100.7')
    expect(clientAddress(requestFrom('64:ff9b::10.9.9.9', '198.51.100.7'), translated)).toBe('198.51.100.7')
    expect(clientAddress(requestFrom('10.0.0.1', '198.51.100.7'), translated)).toBe('10.0.0.1')
  })

  it('an entry that is no address stops the walk: counted as given, never skipped as a proxy', () => {
    expect(clientAddress(requestFrom('10.0.0.2', '198.51.100.7, unknown, 10.1.2.3'), proxies)).toBe('unknown')
    expect(clientAddress(requestFrom('10.0.0.2', '198.51.100.7, _hidden'), proxies)).toBe('_hidden')
  })
})

describe('trustedProxiesOf', () => {
  it('is the count when no address is listed (no change by default), the parsed list once one is', () => {
    expect(trustedProxiesOf({ ...DEFAULT_CONFIG, trustedProxies: 2 })).toBe(2)
    const listed = trustedProxiesOf({ ...DEFAULT_CONFIG, trustedProxyAddresses: '10.0.0.0/8' })
    expect(typeof listed).toBe('object')
    // Parsed once: the same text gives the same list on the next request.
    expect(trustedProxiesOf({ ...DEFAULT_CONFIG, trustedProxyAddresses: '10.0.0.0/8' })).toBe(listed)
  })
})
