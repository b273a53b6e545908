/**
 * The nginx settings the docs give (docs/reverse-proxy.md's snippet, docs/examples/redis/nginx.conf) pass the
 * host the browser used with its port: `$http_host`, never `$host`, which drops the port. The
 * cross-site check compares an older browser's `Origin` (no `Sec-Fetch-Site`) with `Host` and
 * `X-Forwarded-Host`, so a page on a non-default port had its own writes refused with a 403. And
 * they pass the scheme (`X-Forwarded-Proto`): behind a proxy that ends TLS, it is how the app knows
 * to give the `Secure` `__Host-` anonymous cookie (tests/unit/user-cookie-prefix.test.ts). And they
 * append the client's address to `X-Forwarded-For`, which nginx does not send by itself: with
 * `trustedProxies: 1` and no such header from nginx, the address counted was whatever the client
 * wrote there, so `limits.anonymousCreatePerMinute` was one forged header away.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { crossSiteRefusal } from '../../server/lib/http/cross-site'

const files = ['docs/reverse-proxy.md', 'docs/examples/redis/nginx.conf']

describe('nginx settings in the docs', () => {
  it.each(files)('%s forwards the host with its port', (file) => {
    const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
    const forwarded = [...text.matchAll(/proxy_set_header\s+(Host|X-Forwarded-Host)\s+(\$\w+)/gi)].map(match => `${match[1]} ${match[2]}`)
    expect(forwarded.length).toBeGreaterThan(0)
    expect(forwarded.filter(header => !header.endsWith('$http_host'))).toEqual([])
  })

  it.each(files)('%s tells the app the scheme the browser used (X-Forwarded-Proto), for the https cookie', (file) => {
    const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
    expect(text).toMatch(/proxy_set_header\s+X-Forwarded-Proto\s+\$scheme/i)
  })

  it.each(files)('%s appends the client\'s address to X-Forwarded-For, which trustedProxies counts on', (file) => {
    const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
    expect(text).toMatch(/proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for/i)
  })

  it('the port is why: an Origin on a non-default port matches only a host that kept it', () => {
    const request = { method: 'POST', fetchSite: undefined, origin: 'https://example.com:8443', trustedOrigins: new Set<string>() }
    expect(crossSiteRefusal({ ...request, hosts: ['app', 'example.com'] })).toMatch(/^Refused a cross-site POST/)
    expect(crossSiteRefusal({ ...request, hosts: ['app', 'example.com:8443'] })).toBeNull()
  })
})
