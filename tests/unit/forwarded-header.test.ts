/**
 * The standard `Forwarded` header (RFC 7239), sent by proxies instead of the `X-Forwarded-*` ones:
 * its `proto` makes the anonymous cookie the `Secure` `__Host-` one, and its `host` is this
 * server's host for the cross-site check of older browsers — as `X-Forwarded-Proto` and
 * `X-Forwarded-Host` are, which win when both are sent.
 */
import { describe, expect, it } from 'vitest'
import { forwardedElements } from '../../shared/forwarded-header'
import { isHttpsRequest, knownRequestScheme } from '../../shared/forwarded-https'

const event = (headers: Record<string, string | string[]>, encrypted = false) => ({
  node: { req: { headers, connection: { encrypted } } },
}) as unknown as Parameters<typeof isHttpsRequest>[0]

describe('the Forwarded header', () => {
  it('is read as elements of parameters: names in any case, quoted values unquoted, commas and semicolons inside quotes kept', () => {
    expect(forwardedElements('for=192.0.2.60;Proto=HTTPS;host="app.example:8443", for="[2001:db8::1]";proto=http')).toEqual([
      { for: '192.0.2.60', proto: 'HTTPS', host: 'app.example:8443' },
      { for: '[2001:db8::1]', proto: 'http' },
    ])
    expect(forwardedElements(['for=a;host="x,y;z"', 'for=b'])).toEqual([{ for: 'a', host: 'x,y;z' }, { for: 'b' }])
    expect(forwardedElements('__proto__=x;proto=https')[0]!.proto).toBe('https')
    expect(forwardedElements(undefined)).toEqual([])
    expect(forwardedElements(' , ;')).toEqual([])
  })

  it('its first proto is the scheme the browser used when X-Forwarded-Proto is absent; X-Forwarded-Proto wins', () => {
    expect(isHttpsRequest(event({ forwarded: 'for=192.0.2.60;proto=https, for=10.0.0.2;proto=http' }))).toBe(true)
    expect(knownRequestScheme(event({ forwarded: 'proto=HTTPS' }))).toBe('https')
    expect(knownRequestScheme(event({ forwarded: 'for=192.0.2.60' }))).toBeNull()
    expect(isHttpsRequest(event({ 'forwarded': 'proto=https', 'x-forwarded-proto': 'http' }))).toBe(false)
  })
})
