/**
 * The logger redacts a URL's password (`redis://user:PASSWORD@host`), but it took any `host:` as a
 * user name: a URL with a port and an `@` later in its path or query
 * (`https://api.example.com:8443/users/bob@example.com`) was written as
 * `https://api.example.com:[redacted]@example.com` — its port and path gone, and a host named that
 * the URL never had. A URL parser reads `host:8443/…` as a host and a port; only real user info is
 * redacted now.
 */
import { describe, expect, it } from 'vitest'
import { redact } from '../../server/lib/logger'

describe('a URL with a port and an "@" after its path starts', () => {
  it('is written whole', () => {
    for (const line of [
      'GET https://api.example.com:8443/users/bob@example.com failed: 404',
      'callback https://hooks.example:8443/path?x=a@b refused',
      'see http://127.0.0.1:3000#mail=me@example.com',
    ]) expect(redact(line)).toBe(line)
  })

  it('still has its password redacted when it has user info', () => {
    expect(redact('redis://admin:1234@cache.internal:6379/0?x=a@b')).not.toContain('1234@cache')
    expect(redact('https://user:12345678/x@host:8443/')).not.toContain('12345678')
    expect(redact('https://user:pw@api.example.com:8443/users/bob@example.com')).not.toContain('pw@')
    expect(redact('redis://admin:hunter2@cache.internal:6379/0')).toBe('redis://admin:[redacted]@cache.internal:6379/0')
  })
})
