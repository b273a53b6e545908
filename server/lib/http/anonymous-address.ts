/**
 * The client address the anonymous users' limits count by (`limits.anonymousCreatePerMinute`,
 * `limits.maxConcurrentAnonymousJobsPerAddress`, `limits.maxAnonymousStreamsPerAddress`): clientAddress, and one `warn` line the first time a
 * request came through a proxy that `trustedProxies` does not name — then every anonymous client
 * counts as the proxy, one window and one stream cap for all of them.
 */
import type { H3Event } from 'h3'
import { getRequestHeader } from 'h3'
import type { BackgroundJobsConfig } from '../config'
import { envNameOf } from '../config'
import { clientAddress, UNKNOWN_ADDRESS } from './client-address'
import { routeLogger } from './route-logger'
import { trustedProxiesOf } from './proxy-addresses'

let warnedAboutProxy = false

/** Tests: the next request through an untrusted proxy is logged again. */
export function forgetProxyWarning(): void {
  warnedAboutProxy = false
  warnedAboutNoAddress = false
}

/**
 * Headers only a reverse proxy adds: `X-Forwarded-For`, the standard `Forwarded`, and nginx's
 * common `X-Real-IP` (a config that sends only that one never appends `X-Forwarded-For`).
 */
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const

let warnedAboutNoAddress = false

/**
 * The address an anonymous request counts under (an IPv4 address, an IPv6 /64) — undefined when
 * there is none to tell clients apart by (a platform that gives no socket address, a proxy that
 * writes `unknown`): counted together, every anonymous client would share one window and one stream
 * cap, so the per-address limits do not apply to it (one `warn` line says so).
 */
export function anonymousClientAddress(event: H3Event, config: BackgroundJobsConfig): string | undefined {
  const trustedProxies = trustedProxiesOf(config)
  const proxyHeader = trustedProxies === 0 && !warnedAboutProxy ? PROXY_HEADERS.find(name => getRequestHeader(event, name)) : undefined
  if (proxyHeader) {
    // Behind a proxy with no proxies trusted, every client is the proxy: one window for everyone.
    warnedAboutProxy = true
    const { anonymousCreatePerMinute, maxConcurrentAnonymousJobsPerAddress, maxAnonymousStreamsPerAddress } = config.limits
    routeLogger.warn(`requests come through a proxy (${proxyHeader}) but ${envNameOf('trustedProxies')} is 0: limits.anonymousCreatePerMinute (${anonymousCreatePerMinute}), limits.maxConcurrentAnonymousJobsPerAddress (${maxConcurrentAnonymousJobsPerAddress}) and limits.maxAnonymousStreamsPerAddress (${maxAnonymousStreamsPerAddress}) count every anonymous client as the proxy's address, one limit for all of them; set it to the number of proxies in front that append X-Forwarded-For, or list their addresses in ${envNameOf('trustedProxyAddresses')} (docs/config.md, "Anonymous clients")`)
  }
  const address = clientAddress(event, trustedProxies, config.clientIpv6PrefixLength)
  if (address !== UNKNOWN_ADDRESS) return address
  if (!warnedAboutNoAddress) {
    warnedAboutNoAddress = true
    routeLogger.warn(`a request came with no client address to count anonymous users by (no socket address, or a proxy that wrote "unknown"): limits.anonymousCreatePerMinute, limits.maxConcurrentAnonymousJobsPerAddress and limits.maxAnonymousStreamsPerAddress do not apply to such requests (counted together they would hold every anonymous client back at once); limit them at the proxy, or turn anonymous users off (${envNameOf('allowAnonymous')}=false)`)
  }
  return undefined
}
