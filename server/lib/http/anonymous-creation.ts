/**
 * `limits.anonymousCreatePerMinute`: job creations by anonymous users, counted per client address
 * (through the provider, so across instances). A client that never sends its cookie back is a new
 * anonymous user on every request, so the per-user `createPerMinute` never holds it back; its
 * address does. Users the app names (`background-jobs:resolve-user`) are not counted here.
 */
import { getRequestHeader } from 'h3'
import { envNameOf } from '../config'
import { clientAddress } from './client-address'
import type { JobsRouteContext } from './handler'
import { isAnonymousRequest } from './resolve-user'
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

/**
 * The client address whose window counts this creation (the engine's `anonymousAddress`), or
 * undefined when the request is not anonymous or the limit is off. The store counts it with the
 * insert, as the per-user `createPerMinute`: never for an idempotent retry or a refused creation.
 */
export function anonymousCreationAddress({ event, config }: JobsRouteContext): string | undefined {
  if (config.limits.anonymousCreatePerMinute <= 0 || !isAnonymousRequest(event)) return undefined
  const proxyHeader = config.trustedProxies === 0 && !warnedAboutProxy ? PROXY_HEADERS.find(name => getRequestHeader(event, name)) : undefined
  if (proxyHeader) {
    // Behind a proxy with no proxies trusted, every client is the proxy: one window for everyone.
    warnedAboutProxy = true
    routeLogger.warn(`requests come through a proxy (${proxyHeader}) but ${envNameOf('trustedProxies')} is 0: limits.anonymousCreatePerMinute (${config.limits.anonymousCreatePerMinute}) counts every anonymous client as the proxy's address, one window for all of them; set it to the number of proxies in front that append X-Forwarded-For (docs/config.md, "Anonymous clients")`)
  }
  return clientAddress(event, config.trustedProxies)
}
