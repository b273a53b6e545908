/**
 * An older browser's write (no `Sec-Fetch-Site`) is judged by its `Origin` against this server's
 * origin, as the URL standard compares origins: scheme, host and port, a default port (`:443` over
 * https, `:80` over http) the same as none, host names in any case, an IPv6 address in any of its
 * spellings, a fully qualified name's trailing dot the same as none. The host alone was compared,
 * as text: a proxy's `X-Forwarded-Host: app.example:443` refused the app's own page
 * (`https://app.example`) with a 403, and an `http://` page on the app's host passed a check of an
 * app served over https. The scheme is the request's when it is known (TLS, or `X-Forwarded-Proto`);
 * without either it may be the Origin's (a TLS proxy that does not say so).
 */
import { describe, expect, it, vi } from 'vitest'
import type { SiteCheckRequest } from '../../server/lib/http/cross-site'
import { crossSiteRefusal } from '../../server/lib/http/cross-site'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const request = (fields: Partial<SiteCheckRequest>): SiteCheckRequest => ({
  method: 'POST',
  fetchSite: undefined,
  origin: undefined,
  hosts: ['app.example'],
  trustedOrigins: new Set(),
  ...fields,
})

describe('an older browser\'s Origin against this server\'s origin', () => {
  it.each<[string, Partial<SiteCheckRequest>]>([
    ['a default port written out (https)', { origin: 'https://app.example', hosts: ['app.example:443'], scheme: 'https' }],
    ['a default port written out (http)', { origin: 'http://app.example', hosts: ['app.example:80'], scheme: 'http' }],
    ['a default port written out, scheme not known', { origin: 'https://app.example', hosts: ['internal:3000', 'app.example:443'] }],
    ['a default port in the Origin', { origin: 'https://app.example:443', hosts: ['app.example'], scheme: 'https' }],
    ['an upper-case host with its port', { origin: 'https://app.example', hosts: ['APP.Example:443'], scheme: 'https' }],
    ['an IPv6 address spelt out', { origin: 'http://[::1]:3000', hosts: ['[0:0:0:0:0:0:0:1]:3000'], scheme: 'http' }],
    ['a trailing dot on the host', { origin: 'https://app.example', hosts: ['app.example.'], scheme: 'https' }],
    ['a trailing dot on the Origin', { origin: 'https://app.example.', hosts: ['app.example'], scheme: 'https' }],
  ])('the app\'s own page passes: %s', (_name, fields) => {
    expect(crossSiteRefusal(request(fields))).toBeNull()
  })

  it.each<[string, Partial<SiteCheckRequest>]>([
    ['an http page on the host of an https app', { origin: 'http://app.example', hosts: ['app.example'], scheme: 'https' }],
    ['an https page on the host of an http app', { origin: 'https://app.example', hosts: ['app.example'], scheme: 'http' }],
    ['another port', { origin: 'https://app.example:8443', hosts: ['app.example:443'], scheme: 'https' }],
    ['another port, scheme not known', { origin: 'https://app.example', hosts: ['app.example:80'] }],
    ['another host', { origin: 'https://evil.example', hosts: ['app.example'], scheme: 'https' }],
    ['a host that is no host', { origin: 'https://app.example', hosts: ['app.example/evil', 'user@app.example'], scheme: 'https' }],
  ])('another origin is refused: %s', (_name, fields) => {
    expect(crossSiteRefusal(request(fields))).toMatch(/^Refused a cross-site POST/)
  })

  it('names this server\'s origin when the scheme is known, its host when not', () => {
    expect(crossSiteRefusal(request({ origin: 'http://app.example', scheme: 'https' }))).toContain('Origin http://app.example is not this server\'s origin https://app.example')
    expect(crossSiteRefusal(request({ origin: 'https://evil.example' }))).toContain('Origin https://evil.example is not this server\'s host app.example')
  })
})

describe('through the routes: the scheme and host a proxy names', () => {
  const app = useServedRoutes()
  const abort = async (headers: Record<string, string>) => (await fetch(`${app.base}/api/jobs/nope/abort`, { method: 'POST', headers })).status

  it('X-Forwarded-Host with a default port and X-Forwarded-Proto: the page of that origin passes (404: no such job), an http page of the host does not', async () => {
    const proxied = { 'x-forwarded-host': 'app.example:443', 'x-forwarded-proto': 'https' }
    expect(await abort({ ...proxied, origin: 'https://app.example' })).toBe(404)
    expect(await abort({ ...proxied, origin: 'http://app.example' })).toBe(403)
    expect(await abort({ ...proxied, 'x-forwarded-proto': 'https, http', 'origin': 'https://app.example' })).toBe(404)
    // This server as the client reached it: plain http on its own host and port.
    expect(await abort({ origin: app.base })).toBe(404)
    expect(await abort({ origin: app.base.replace('http:', 'https:') })).toBe(404)
    expect(await abort({ 'x-forwarded-proto': 'http', 'origin': app.base.replace('http:', 'https:') })).toBe(403)
  })

  it('the standard Forwarded header\'s host and proto, without X-Forwarded-*: the page of that origin passes, an http page of the host does not', async () => {
    const proxied = { forwarded: 'for=192.0.2.60;host="app.example:443";proto=https' }
    expect(await abort({ ...proxied, origin: 'https://app.example' })).toBe(404)
    expect(await abort({ ...proxied, origin: 'http://app.example' })).toBe(403)
    expect(await abort({ ...proxied, origin: 'https://evil.example' })).toBe(403)
    // X-Forwarded-Host, when sent, is the one read.
    expect(await abort({ ...proxied, 'x-forwarded-host': 'other.example', 'origin': 'https://app.example' })).toBe(403)
  })
})
