/**
 * Whether the browser reached this app over https: TLS on this server, or a proxy in front that
 * ended it and says so in `X-Forwarded-Proto`. Behind two proxies that each set the header (a CDN
 * ending TLS, then a load balancer or nginx), Node joins the lines into one value, `https, https`
 * (or `https, http` when the inner hop is plain http): the leftmost is the scheme the browser used.
 * h3's `getRequestProtocol` takes only an exact `https`, so such a chain lost the `Secure`
 * `__Host-` anonymous cookie (server/lib/http/user.ts) and read a plain one a sibling subdomain
 * can plant. A client that claims https over plain http only gets a `Secure` cookie its browser
 * drops; one on a TLS connection is https whatever it claims.
 */
import { forwardedElements } from './forwarded-header'

/** What is read of a request (an h3 event): its headers and whether its socket is TLS. */
export interface ProtocolRequest {
  node: { req: { headers: Record<string, string | string[] | undefined>, connection?: unknown } }
}

/**
 * The first `X-Forwarded-Proto` value, lower-cased (the scheme the browser used); without that
 * header, the `proto` of the standard `Forwarded` header's first element (forwarded-header.ts); else undefined.
 */
function forwardedProto(event: ProtocolRequest): string | undefined {
  const header = event.node.req.headers['x-forwarded-proto']
  const proto = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim().toLowerCase()
  if (header !== undefined) return proto || undefined
  return forwardedElements(event.node.req.headers.forwarded)[0]?.proto?.trim().toLowerCase() || undefined
}

function isTlsConnection(event: ProtocolRequest): boolean {
  return Boolean((event.node.req.connection as { encrypted?: boolean } | null | undefined)?.encrypted)
}

/** True when the request came over https (its own TLS, or the first `X-Forwarded-Proto` value). */
export function isHttpsRequest(event: ProtocolRequest): boolean {
  // As h3's: a TLS connection stays https whatever the header says.
  return forwardedProto(event) === 'https' || isTlsConnection(event)
}

/**
 * The scheme the browser used, when the request says: `https` on a TLS connection, else the first
 * `X-Forwarded-Proto` value when it is `http` or `https`; null when neither tells (plain http with
 * no such header: served directly, or by a proxy that ended TLS and does not say so).
 */
export function knownRequestScheme(event: ProtocolRequest): 'http' | 'https' | null {
  if (isTlsConnection(event)) return 'https'
  const proto = forwardedProto(event)
  return proto === 'http' || proto === 'https' ? proto : null
}
