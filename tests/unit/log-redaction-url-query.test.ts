/**
 * The logger redacts fields named like a secret (`token`, `apiKey`, …), but a URL in a message was
 * written with its query as it was. Nuxt's `$fetch` (ofetch) puts the whole URL in its error's
 * message — `[GET] "https://auth.example.com/userinfo?access_token=…": <no response> fetch failed` —
 * so an app's resolve-user hook that asked its auth server with the user's token logged that
 * token on every request while the server was down (`resolve-user hook failed`), as did any hook
 * or tool calling an API that takes its key in the query (`?key=`, `?api_key=`). A query
 * parameter named like a secret field (or `key`) now has its value redacted; the others are kept.
 */
import { FetchError } from 'ofetch'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createConsoleLogger, redact } from '../../server/lib/logger'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('a URL with a secret in its query', () => {
  it('is logged without it ($fetch\'s error of a failing hook)', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const thrown = new FetchError('[GET] "https://auth.example.com/userinfo?access_token=eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl&lang=en": <no response> fetch failed')
    createConsoleLogger().error('resolve-user hook failed', { error: thrown })
    const line = error.mock.calls[0]![0] as string
    expect(line).not.toContain('eyJhbGciOiJIUzI1NiJ9')
    expect(JSON.parse(line).error.message).toBe('[GET] "https://auth.example.com/userinfo?access_token=[redacted]&lang=en": <no response> fetch failed')
  })

  it('keys, secrets and passwords by their usual parameter names; other parameters kept', () => {
    expect(redact('GET https://maps.example.com/geocode/json?address=Paris&key=AIzaSyD-0123456789 failed'))
      .toBe('GET https://maps.example.com/geocode/json?address=Paris&key=[redacted] failed')
    expect(redact('https://api.example.com/v1?api_key=abc123&page=2#client_secret=s3cr3t'))
      .toBe('https://api.example.com/v1?api_key=[redacted]&page=2#client_secret=[redacted]')
    expect(redact('https://x.example/login?user=bob&password=hunter2')).toBe('https://x.example/login?user=bob&password=[redacted]')
    for (const kept of ['https://example.com/search?q=monkey&keyword=tokenizer&sort=asc', 'see ?page=2&limit=10']) expect(redact(kept)).toBe(kept)
  })
})
