/**
 * The cross-site check of the routes that change something (server/lib/http/cross-site.ts):
 * Sec-Fetch-Site first, Origin against Host without it, non-browser clients and trusted origins
 * allowed, reads never checked.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'
import type { SiteCheckRequest } from '../../server/lib/http/cross-site'
import { crossSiteRefusal } from '../../server/lib/http/cross-site'

const request = (fields: Partial<SiteCheckRequest>): SiteCheckRequest => ({
  method: 'POST',
  fetchSite: undefined,
  origin: undefined,
  hosts: ['app.example.com'],
  trustedOrigins: new Set(),
  ...fields,
})

describe('cross-site requests that change something', () => {
  it('refuses cross-site and same-site (a sibling subdomain) by Sec-Fetch-Site, naming the origin and trustedOrigins', () => {
    for (const fetchSite of ['cross-site', 'same-site', 'Cross-Site']) {
      const message = crossSiteRefusal(request({ fetchSite, origin: 'https://evil.example.com' }))
      expect(message, fetchSite).toContain(`Sec-Fetch-Site: ${fetchSite.toLowerCase()}`)
      expect(message).toContain('from https://evil.example.com')
      expect(message).toContain('NUXT_BACKGROUND_JOBS_TRUSTED_ORIGINS')
    }
    // A form POST from another site may carry no Origin at all under some referrer policies.
    expect(crossSiteRefusal(request({ fetchSite: 'cross-site' }))).toContain('from a page of another origin')
  })

  it('lets the page\'s own origin and the user\'s own action through', () => {
    expect(crossSiteRefusal(request({ fetchSite: 'same-origin', origin: 'https://app.example.com' }))).toBeNull()
    expect(crossSiteRefusal(request({ fetchSite: 'none' }))).toBeNull()
  })

  it('without Sec-Fetch-Site (an older browser) compares Origin with Host or X-Forwarded-Host', () => {
    expect(crossSiteRefusal(request({ origin: 'https://app.example.com' }))).toBeNull()
    expect(crossSiteRefusal(request({ origin: 'http://127.0.0.1:3000', hosts: ['127.0.0.1:3000'] }))).toBeNull()
    // Host names are case-insensitive. An upper-case Origin is lower-cased by URL parsing already;
    // a Host (or X-Forwarded-Host) header arrives as sent, so that is the side the comparison must fold.
    expect(crossSiteRefusal(request({ origin: 'https://APP.example.com' }))).toBeNull()
    expect(crossSiteRefusal(request({ origin: 'https://app.example.com', hosts: ['APP.Example.com'] }))).toBeNull()
    expect(crossSiteRefusal(request({ origin: 'https://app.example.com', hosts: ['127.0.0.1:3000', 'app.example.com'] }))).toBeNull()
    expect(crossSiteRefusal(request({ origin: 'https://evil.example.com' }))).toContain('Origin https://evil.example.com is not this server\'s host app.example.com')
    expect(crossSiteRefusal(request({ origin: 'https://app.example.com:8443' }))).not.toBeNull()
    // A sandboxed iframe or a redirect hides its origin as "null": not this server's.
    expect(crossSiteRefusal(request({ origin: 'null' }))).not.toBeNull()
  })

  it('allows clients that are no browser (no Sec-Fetch-Site, no Origin): curl, servers, the AI SDK from Node', () => {
    expect(crossSiteRefusal(request({}))).toBeNull()
  })

  it('allows a listed trusted origin, whatever Sec-Fetch-Site says', () => {
    const trustedOrigins = new Set(['https://admin.example.com'])
    expect(crossSiteRefusal(request({ fetchSite: 'same-site', origin: 'https://admin.example.com', trustedOrigins }))).toBeNull()
    expect(crossSiteRefusal(request({ origin: 'https://admin.example.com', trustedOrigins }))).toBeNull()
    expect(crossSiteRefusal(request({ fetchSite: 'cross-site', origin: 'https://other.example.com', trustedOrigins }))).not.toBeNull()
  })

  it('reads Origin and Sec-Fetch-Site trimmed, as a header value is meant (a hand-made or proxied header may carry spaces)', () => {
    const trustedOrigins = new Set(['https://admin.example.com'])
    expect(crossSiteRefusal(request({ fetchSite: 'same-site', origin: ' https://admin.example.com\t', trustedOrigins }))).toBeNull()
    expect(crossSiteRefusal(request({ fetchSite: ' same-origin ' }))).toBeNull()
    expect(crossSiteRefusal(request({ fetchSite: '  ', origin: 'https://app.example.com ' }))).toBeNull()
    // A blank Origin is no Origin: a client that is no browser, not a page of another origin.
    expect(crossSiteRefusal(request({ origin: '  ' }))).toBeNull()
    // Trimmed is not trusted by accident: a refused origin is still refused, and quoted without the spaces.
    expect(crossSiteRefusal(request({ fetchSite: ' cross-site ', origin: ' https://evil.example.com ' }))).toContain('from https://evil.example.com (Sec-Fetch-Site: cross-site)')
  })

  it('never checks reads: GET, HEAD and OPTIONS pass from anywhere', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) {
      expect(crossSiteRefusal(request({ method, fetchSite: 'cross-site', origin: 'https://evil.example.com' })), method).toBeNull()
    }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(crossSiteRefusal(request({ method, fetchSite: 'cross-site', origin: 'https://evil.example.com' })), method).not.toBeNull()
    }
  })

  it('trustedOrigins must list origins (scheme://host[:port]), named by its variable', () => {
    expect(configProblems(resolveConfig({ trustedOrigins: 'https://a.example.com, http://localhost:3000' }))).toEqual([])
    const problems = configProblems(resolveConfig({ trustedOrigins: 'https://a.example.com/,a.example.com,https://b.example.com/app' }))
    expect(problems).toHaveLength(3)
    expect(problems[0]).toContain('trustedOrigins (NUXT_BACKGROUND_JOBS_TRUSTED_ORIGINS) lists a text of 22 characters, which is not an origin (did you mean https://a.example.com?)')
    expect(problems[1]).toContain('lists "a.example.com", which is not an origin: write scheme://host[:port]')
  })
})
