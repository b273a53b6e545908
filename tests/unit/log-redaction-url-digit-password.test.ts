/**
 * The logger keeps `https://host:8443/u/bob@x.com` whole (a port, then a path with an `@`), but it
 * took any 1–5 digits followed by `/`, `?` or `#` after the user name for a port: a password
 * that starts with digits and holds a raw `/` (a base64 secret pasted into a connection string,
 * `redis://default:2024/Zk9+aB@cache.internal:6379`) was written as it was. Only a name that is a
 * host's (it has a dot, or is `localhost`) has a port there; before a plain user name it is a password.
 */
import { describe, expect, it } from 'vitest'
import { redact } from '../../server/lib/logger'

describe('a URL password that starts with digits and holds a "/", "?" or "#"', () => {
  it('is redacted', () => {
    expect(redact('redis connect failed: redis://default:2024/Zk9+aB@cache.internal:6379/0'))
      .toBe('redis connect failed: redis://default:[redacted]@cache.internal:6379/0')
    expect(redact('postgres://app:42?x=y@db.internal/app')).toBe('postgres://app:[redacted]@db.internal/app')
    expect(redact('amqp://:7#secret@mq')).toBe('amqp://:[redacted]@mq')
  })

  it('a host with a port and an "@" later is still written whole', () => {
    for (const line of [
      'GET https://api.example.com:8443/users/bob@example.com failed: 404',
      'see http://localhost:3000/@nuxt/kit',
      'see http://127.0.0.1:3000#mail=me@example.com',
    ]) expect(redact(line)).toBe(line)
  })
})
