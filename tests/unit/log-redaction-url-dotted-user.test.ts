/**
 * A URL password that starts with digits and holds a raw `/` was logged when the user name had a
 * dot (`redis://first.last:12/ab@host`): the logger read `first.last:12` as a host and its port,
 * and kept the word whole. Only a web URL (`http`, `https`, `ws`, `wss`) has a path where an `@`
 * is ordinary (`https://host:8443/users/bob@x.com`, `/@nuxt/kit`); in a connection string's
 * (`redis://`, `postgres://`, `amqp://`) an `@` after the `//` is its user info's end.
 */
import { describe, expect, it } from 'vitest'
import { redact } from '../../server/lib/logger'

describe('a connection string whose user name has a dot', () => {
  it('has its password redacted when it starts with digits and holds a "/", "?" or "#"', () => {
    expect(redact('redis connect failed: redis://first.last:12/ab@host:6379/0'))
      .toBe('redis connect failed: redis://first.last:[redacted]@host:6379/0')
    expect(redact('rediss://svc.cache:2024/Zk9+aB@cache.internal')).toBe('rediss://svc.cache:[redacted]@cache.internal')
    expect(redact('postgres://app.rw:42?x=y@db.internal/app')).toBe('postgres://app.rw:[redacted]@db.internal/app')
    expect(redact('amqp://localhost:7#secret@mq')).toBe('amqp://localhost:[redacted]@mq')
  })

  it('a web URL with a port and an "@" later is still written whole', () => {
    for (const line of [
      'GET https://api.example.com:8443/users/bob@example.com failed: 404',
      'GET HTTPS://api.example.com:8443/users/bob@example.com failed: 404',
      'callback https://hooks.example:8443/path?x=a@b refused',
      'see http://localhost:3000/@nuxt/kit',
      'see http://127.0.0.1:3000#mail=me@example.com',
      'socket wss://rt.example.com:443/u/bob@x.com closed',
      'no user info redis://cache.internal:6379/0 here',
    ]) expect(redact(line)).toBe(line)
  })
})
