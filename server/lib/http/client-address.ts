/**
 * The client's address, as a rate limit should count it. Behind `trustedProxies` reverse proxies,
 * each of which appends the address it was connected from to `X-Forwarded-For`, the client is the
 * entry that many places from the right end (the entries left of it are whatever the client sent,
 * which anyone can forge). With no proxy the header is never read. The `for` of the standard
 * `Forwarded` header (RFC 7239) is not read (its `proto` and `host` are, without the `X-Forwarded-`
 * ones: shared/forwarded-header.ts): a proxy that writes only `Forwarded` leaves every client
 * counted as the proxy — and a client that sends its own `X-Forwarded-For` through it names its
 * address — so the first such request is logged once, naming the setting and the header to send.
 *
 * An IPv6 client counts by its /64 (`clientIpv6PrefixLength`): one host usually holds a whole /64,
 * and counting single addresses would let it take a new one per request; where clients get a /56 or
 * a /48 each (many ISPs delegate those), a shorter prefix counts each as one. An IPv4 address mapped into IPv6
 * (`::ffff:192.0.2.1`, how a dual-stack socket reports IPv4 peers; also in hex, `::ffff:c000:201`,
 * or with all eight groups, as some proxies write it) counts as that IPv4 address, and so does one
 * translated by NAT64's well-known prefix (`64:ff9b::192.0.2.1`).
 *
 * With `trustedProxyAddresses` set, proxies are named by address instead of counted
 * (proxy-addresses.ts): the header is read only from a listed proxy's connection.
 */
import { isIPv4, isIPv6 } from 'node:net'
import type { H3Event } from 'h3'
import { getRequestHeader } from 'h3'
import { envNameOf } from '../config'
import { routeLogger } from './route-logger'
import type { ProxyAddresses } from './proxy-addresses'
import { clientBehindListedProxies, isListedProxy } from './proxy-addresses'

let warnedAboutForwarded = false

/** Tests: the next request with only a `Forwarded` header is logged again. */
export function forgetForwardedWarning(): void {
  warnedAboutForwarded = false
}

/**
 * The address the per-address limits count this request by ('unknown' when there is none); an IPv6
 * client by its first `ipv6PrefixLength` bits (`clientIpv6PrefixLength`). `trustedProxies`: the
 * count of proxies in front, or the listed ones (`trustedProxiesOf`, proxy-addresses.ts).
 */
export function clientAddress(event: H3Event, trustedProxies: number | ProxyAddresses, ipv6PrefixLength = DEFAULT_IPV6_PREFIX_LENGTH): string {
  const socketAddress = event.node.req.socket?.remoteAddress ?? ''
  if (typeof trustedProxies !== 'number') {
    const forwarded = getRequestHeader(event, 'x-forwarded-for')
    if (!forwarded && !warnedAboutForwarded && isListedProxy(trustedProxies, stripDecoration(socketAddress))) warnAboutForwardedOnly(event, `${envNameOf('trustedProxyAddresses')} set`)
    return addressKey(clientBehindListedProxies(trustedProxies, socketAddress, forwarded, stripDecoration), ipv6PrefixLength)
  }
  if (trustedProxies <= 0) return addressKey(socketAddress, ipv6PrefixLength)
  warnAboutForwardedOnly(event, `${envNameOf('trustedProxies')} at ${trustedProxies}`)
  // Nearest first: the proxy we are connected to, then what each trusted proxy appended.
  const hops = [socketAddress, ...forwardedFor(event).reverse()]
  return addressKey(hops[Math.min(trustedProxies, hops.length - 1)]!, ipv6PrefixLength)
}

/**
 * One `warn` line, the first time a request behind trusted proxies (by count, or from a listed
 * proxy) has `Forwarded` or nginx's `X-Real-IP` but no `X-Forwarded-For`: neither is read, so
 * every client counts as the proxy. `trusted` names the setting that trusts them.
 */
function warnAboutForwardedOnly(event: H3Event, trusted: string): void {
  if (warnedAboutForwarded || getRequestHeader(event, 'x-forwarded-for')) return
  const header = getRequestHeader(event, 'forwarded') ? 'a Forwarded header (RFC 7239)' : getRequestHeader(event, 'x-real-ip') ? 'an X-Real-IP header' : undefined
  if (!header) return
  warnedAboutForwarded = true
  routeLogger.warn(`a request came with ${header} and no X-Forwarded-For, with ${trusted}: it is not read, only X-Forwarded-For is, so the client address of rate limits is the proxy's (and a client's own X-Forwarded-For would name it); have each proxy append X-Forwarded-For (docs/config.md, "Anonymous clients")`)
}

/** Every `X-Forwarded-For` entry, in order (Node joins repeated headers with commas). */
function forwardedFor(event: H3Event): string[] {
  const header = getRequestHeader(event, 'x-forwarded-for')
  if (!header) return []
  return header.split(',').map(entry => entry.trim()).filter(Boolean)
}

/** The key of a request with no address (no socket address, or a proxy that wrote `unknown`). */
export const UNKNOWN_ADDRESS = 'unknown'

/** How many leading bits of an IPv6 address name its client by default: a /64, one host's or one home's network. */
export const DEFAULT_IPV6_PREFIX_LENGTH = 64

/** The key an address counts under: IPv4 as it is, IPv6 by its prefix (a /64 by default), anything else verbatim (bounded). */
export function addressKey(raw: string, ipv6PrefixLength = DEFAULT_IPV6_PREFIX_LENGTH): string {
  const address = stripDecoration(raw)
  if (isIPv4(address)) return address
  if (isIPv6(address)) {
    const groups = ipv6Groups(address)
    // IPv4-mapped however it is written (`::ffff:192.0.2.1`, `::ffff:c000:201`, all eight groups),
    // or translated by NAT64's well-known prefix (`64:ff9b::192.0.2.1`, RFC 6052: what a server
    // behind a NAT64/SIIT gateway sees of IPv4 clients): by its /64 every IPv4 client would be one key.
    if (MAPPED_IPV4.some(prefix => prefix.every((group, index) => groups[index] === group))) return mappedIPv4(groups[6]!, groups[7]!)
    return ipv6Prefix(groups, ipv6PrefixLength)
  }
  // `unknown` in any case (RFC 7239 writes it so; proxies differ) is no address: one shared key would hold everyone back.
  if (address.toLowerCase() === UNKNOWN_ADDRESS) return UNKNOWN_ADDRESS
  // Not an address (an obfuscated name): counted as given, cut short so a client cannot make a key of any length.
  return address ? address.slice(0, 64) : UNKNOWN_ADDRESS
}

/**
 * `2001:db8:1:2::/64`: the groups the prefix covers (the last one masked when it ends inside it),
 * then `::` unless it covers all eight. A /64 reads as it did before the length was a setting.
 */
function ipv6Prefix(groups: string[], length: number): string {
  const whole = Math.floor(length / 16)
  const kept = groups.slice(0, whole)
  const bits = length % 16
  if (bits > 0) kept.push((Number.parseInt(groups[whole]!, 16) & (0xFFFF << (16 - bits)) & 0xFFFF).toString(16))
  return `${kept.join(':')}${kept.length < 8 ? '::' : ''}/${length}`
}

/** The first six groups of IPv6 addresses that carry an IPv4 address in their last two: IPv4-mapped, NAT64's well-known prefix. */
const MAPPED_IPV4 = [['0', '0', '0', '0', '0', 'ffff'], ['64', 'ff9b', '0', '0', '0', '0']]

/** The dotted IPv4 address of an IPv4-mapped IPv6 address's last two groups. */
function mappedIPv4(high: string, low: string): string {
  const [a, b] = [Number.parseInt(high, 16), Number.parseInt(low, 16)]
  return [a >> 8, a & 0xFF, b >> 8, b & 0xFF].join('.')
}

/** `[2001:db8::1]:443` → `2001:db8::1`; `fe80::1%eth0` → `fe80::1`. */
export function stripDecoration(raw: string): string {
  let address = raw.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address)
  if (bracketed) address = bracketed[1]!
  // An IPv4 address with a port (some proxies write `192.0.2.1:5678`).
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'))
  const zone = address.indexOf('%')
  return zone === -1 ? address : address.slice(0, zone)
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  let text = address.toLowerCase()
  // A trailing dotted IPv4 part (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) is two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0')
  return [...left, ...zeros, ...right].map(group => Number.parseInt(group, 16).toString(16))
}
