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

  it('a signed URL\'s signature (S3, Google Cloud Storage, CloudFront, Azure SAS, Firebase): the URL works for anyone until it expires', () => {
    expect(redact('PUT https://b.s3.amazonaws.com/f.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261202&X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024 failed'))
      .toBe('PUT https://b.s3.amazonaws.com/f.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261202&X-Amz-Signature=[redacted] failed')
    expect(redact('https://storage.googleapis.com/b/o?X-Goog-Expires=900&X-Goog-Signature=0a1b2c3d')).toBe('https://storage.googleapis.com/b/o?X-Goog-Expires=900&X-Goog-Signature=[redacted]')
    expect(redact('https://d1.cloudfront.net/v.mp4?Expires=1767225600&Signature=Q~abc-def&Key-Pair-Id=K2')).toBe('https://d1.cloudfront.net/v.mp4?Expires=1767225600&Signature=[redacted]&Key-Pair-Id=K2')
    expect(redact('https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2026-12-03&sp=r&sig=Zm9vYmFy%3D')).toBe('https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2026-12-03&sp=r&sig=[redacted]')
    expect(redact('https://app.firebaseio.com/users.json?auth=eyJhbGci&print=pretty')).toBe('https://app.firebaseio.com/users.json?auth=[redacted]&print=pretty')
    for (const kept of ['https://example.com/a?signed=yes&sigma=2&author=ann', 'https://example.com/?design=flat']) expect(redact(kept)).toBe(kept)
  })
})
