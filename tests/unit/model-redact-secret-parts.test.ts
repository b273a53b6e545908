/**
 * A model endpoint's error was screened for a configured secret only where the WHOLE secret stood
 * (model/echoed-secrets.ts): an endpoint that echoed a part of the key — its first 20 characters,
 * the key cut at a line break, the key with its middle elided as `sk-proj-abcdefghij…wxyz` — passed
 * the visible part to the job's error, the logs and the spans. Any run of `SECRET_PART_CHARS` (8)
 * or more of a secret's characters is scrubbed now, in any case, in one pass over the message.
 */
import { describe, expect, it } from 'vitest'
import { SECRET_PART_CHARS } from '../../server/lib/model/echoed-secrets'
import { redact } from '../../server/lib/model/upstream-response'
import { countLookups } from '../support/counted-lookups'

/** An Azure-style key: 32 hex digits, no shape secret-patterns.ts knows. */
const KEY = '3f9a0c7e5b2d4a1f8e6c9b0a7d5e3f21'
const COOKIE_SECRET = 'Zq81Lm02Xo93Wn47Vb56Tr'
const SECRETS = [KEY, COOKIE_SECRET]

describe('redact: a part of a configured secret that the upstream echoes', () => {
  it('scrubs a prefix of the key, a suffix, in another case', () => {
    expect(redact(`Incorrect API key provided: ${KEY.slice(0, 20)}. See your dashboard.`, SECRETS)).toBe('Incorrect API key provided: [redacted]. See your dashboard.')
    expect(redact(`The key ending in ${KEY.slice(-12).toUpperCase()} was revoked`, SECRETS)).toBe('The key ending in [redacted] was revoked')
    expect(redact(`cookie ${COOKIE_SECRET.slice(3, 11).toLowerCase()}!`, SECRETS)).toBe('cookie [redacted]!')
  })

  it('scrubs the key cut at a line break, and with its middle elided', () => {
    expect(redact(`key: ${KEY.slice(0, 14)}\n${KEY.slice(14)} refused`, SECRETS)).toBe('key: [redacted]\n[redacted] refused')
    expect(redact(`key ${KEY.slice(0, 10)}...${KEY.slice(-10)} refused`, SECRETS)).toBe('key [redacted]...[redacted] refused')
    // What stays visible is fewer than SECRET_PART_CHARS characters of it.
    expect(redact(`key ${KEY.slice(0, 18)}…${KEY.slice(-4)} refused`, SECRETS)).toBe(`key [redacted]…${KEY.slice(-4)} refused`)
  })

  it('leaves a message that shares only 7 characters with a secret as it is', () => {
    const said = `request ${KEY.slice(5, 12)} failed; ${COOKIE_SECRET.slice(0, 7)}-x; ${KEY.slice(20, 27).toUpperCase()}`
    expect(SECRET_PART_CHARS).toBe(8)
    expect(redact(said, SECRETS)).toBe(said)
  })

  it('takes a passphrase whole, not its words: a message that holds "for the demo" keeps them', () => {
    const passphrase = 'my cookie secret for the demo'
    expect(redact('Model not found for the demo account; the cookie secrets differ', [KEY, passphrase])).toBe('Model not found for the demo account; the cookie secrets differ')
    expect(redact(`echo: ${passphrase.toUpperCase()}.`, [KEY, passphrase])).toBe('echo: [redacted].')
  })

  it('reads a scrubbed text again the same: a secret holding "redacted" does not wrap its own mark', () => {
    const secret = 'my-redacted-cookie-secret'
    const once = redact(`cookie ${secret} and ${secret.slice(0, 12)}`, secret)
    expect(once).toBe('cookie [redacted] and [redacted]')
    expect(redact(once, secret)).toBe(once)
  })

  it('reads a megabyte of body once: one lookup per window, whatever the body repeats', () => {
    // 7 characters of the key, over and over (each window is looked up and refused), then a part of it.
    const body = `${KEY.slice(0, 7)} `.repeat(131_072) + KEY.slice(4, 24)
    expect(body.length).toBeGreaterThan(1_048_576)
    const { result: scrubbed, lookups } = countLookups(() => redact(body, SECRETS))
    expect(scrubbed.endsWith(' [redacted]')).toBe(true)
    expect(scrubbed.length).toBe(body.length - 20 + '[redacted]'.length)
    expect(lookups).toBeLessThanOrEqual(body.length)
  })
})
