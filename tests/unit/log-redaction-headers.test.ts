/**
 * The logger redacted a `Bearer …` token anywhere, but not the other credentials an HTTP client's
 * error quotes as text: `Authorization: Basic <user:password in base64>` (a proxy or a registry
 * behind basic auth), another scheme's credentials, `Cookie: session=…` and `Set-Cookie: …` (a
 * driver dumping the request or response headers into its message). Nor fields named `passwd`,
 * `passphrase`, `privateKey` / `private_key`, `credentials`.
 * They are redacted now, in a message, an error's text or any field — and ordinary words that
 * share a name with them stay as they are.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createConsoleLogger, redact } from '../../server/lib/logger'

afterEach(() => {
  vi.restoreAllMocks()
})

const BASIC = 'YWxhZGRpbjpvcGVuc2VzYW1l'

describe('credentials quoted as text', () => {
  it.each([
    [`request failed: Authorization: Basic ${BASIC}`, 'request failed: Authorization: [redacted]'],
    [`sent authorization=Basic ${BASIC} to the proxy`, 'sent authorization=[redacted] to the proxy'],
    [`headers {"Authorization":"Basic ${BASIC}","accept":"*/*"}`, 'headers {"Authorization":"[redacted]","accept":"*/*"}'],
    [`Proxy-Authorization: Basic ${BASIC}`, 'Proxy-Authorization: [redacted]'],
    ['Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b refused', 'Authorization: [redacted] refused'],
    ['Authorization: 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b refused', 'Authorization: [redacted] refused'],
    ['Authorization: Digest username="bob", realm="api", nonce="dcd98b", response="6629fae49393a053"\nnext line', 'Authorization: [redacted]\nnext line'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'Authorization: [redacted]'],
    ['request headers: Cookie: session=s%3Aabc123.def; theme=dark\nbody', 'request headers: Cookie: [redacted]\nbody'],
    ['Set-Cookie: sid=31d4d96e407aad42; Path=/; Secure; HttpOnly', 'Set-Cookie: [redacted]'],
    ['{"set-cookie":"__Host-session=abc; Path=/","cookie":"a=b"}', '{"set-cookie":"[redacted]","cookie":"[redacted]"}'],
  ])('%s', (text, redacted) => {
    expect(redact(text)).toBe(redacted)
  })

  it('in a logged error\'s message and in the line\'s message', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    createConsoleLogger().error(`proxy refused Cookie: session=hunter2cookie`, { jobId: 'job-1', error: new Error(`401 for Authorization: Basic ${BASIC}`) })
    const line = error.mock.calls[0]![0] as string
    expect(line).not.toMatch(new RegExp(`hunter2cookie|${BASIC}`))
    expect(JSON.parse(line)).toMatchObject({ jobId: 'job-1', message: 'proxy refused Cookie: [redacted]', error: { message: '401 for Authorization: [redacted]' } })
  })

  it('keeps ordinary words', () => {
    for (const text of [
      'basic auth is not configured for this route',
      'the anonymous cookie\'s users\' shape',
      'authorization failed for user bob',
      'set a cookie for the session',
      'a private key file was not found',
      'workflow "cookie-consent" node "password-reset"',
    ]) expect(redact(text)).toBe(text)
  })
})

describe('fields named like a secret', () => {
  it('are redacted whatever their case or separator', () => {
    const fields = { passwd: 'p1', dbPasswd: 'p2', passphrase: 'p3', privateKey: 'p4', private_key: 'p5', 'private-key': 'p6', apiKey: 'p7', API_KEY: 'p8', 'x-api-key': 'p9', apikey: 'p10', clientSecret: 'p11', client_secret: 'p12', secretKey: 'p13', aws_secret_access_key: 'p14', credentials: { user: 'u', pass: 'p15' } }
    const redacted = redact(fields) as Record<string, unknown>
    for (const key of Object.keys(fields)) expect(redacted[key], key).toBe('[redacted]')
  })

  it('keeps fields that only look alike', () => {
    const fields = { jobId: 'j1', keyPrefix: 'bj:', privateMode: true, accessKeyId: 'AKIAEXAMPLE', usage: { prompt: 1 }, tool: 'cookie-consent', status: 'completed' }
    expect(redact(fields)).toEqual(fields)
  })
})
