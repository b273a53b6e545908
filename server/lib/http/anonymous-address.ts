/**
 * The client address the anonymous users' limits count by (`limits.anonymousCreatePerMinute`,
 * `limits.maxAnonymousStreamsPerAddress`): clientAddress, and one `warn` line the first time a
 * request came through a proxy that `trustedProxies` does not name — then every anonymous client
 * counts as the proxy, one window and one stream cap for all of them.
 */
import type { H3Event } from 'h3'
import { getRequestHeader } from 'h3'
import type { BackgroundJobsConfig } from '../config'
import { envNameOf } from '../config'
import { clientAddress } from './client-address'
import { routeLogger } from './route-logger'

let warnedAboutProxy = false

/** Tests: the next request through an untrusted proxy is logged again. */
export function forgetProxyWarning(): void {
  warnedAboutProxy = false
}

/**
 * Headers only a reverse proxy adds: `X-Forwarded-For`, the standard `Forwarded`, and nginx's
 * common `X-Real-IP` (a config that sends only that one never appends `X-Forwarded-For`).
 */
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const

/** The address an anonymous request counts under (an IPv4 address, an IPv6 /64). */
export function anonymousClientAddress(event: H3Event, config: BackgroundJobsConfig): string {
  const proxyHeader = config.trustedProxies === 0 && !warnedAboutProxy ? PROXY_HEADERS.find(name => getRequestHeader(event, name)) : undefined
  if (proxyHeader) {
    // Behind a proxy with no proxies trusted, every client is the proxy: one window for everyone.
    warnedAboutProxy = true
    const { anonymousCreatePerMinute, maxAnonymousStreamsPerAddress } = config.limits
    routeLogger.warn(`requests come through a proxy (${proxyHeader}) but ${envNameOf('trustedProxies')} is 0: limits.anonymousCreatePerMinute (${anonymousCreatePerMinute}) and limits.maxAnonymousStreamsPerAddress (${maxAnonymousStreamsPerAddress}) count every anonymous client as the proxy's address, one limit for all of them; set it to the number of proxies in front that append X-Forwarded-For (docs/config.md, "Anonymous clients")`)
  }
  return clientAddress(event, config.trustedProxies)
}
