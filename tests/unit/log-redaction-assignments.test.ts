/**
 * A secret assigned outside a URL — an environment variable quoted in a child process's error
 * (`Command failed: NUXT_BACKGROUND_JOBS_COOKIE_SECRET=… node server.mjs`), an env dump, a form
 * body's first pair (`client_secret=…&grant_type=…`) — was written to the log as it was: only a
 * URL's query parameters (after `?`, `&`, `#` or `;`) were redacted by their name. Such a value is
 * redacted now; a bare `key=` of prose, an access key's id and other assignments are kept.
 */
import { describe, expect, it } from 'vitest'
import { redact } from '../../server/lib/logger'

describe('a secret-named assignment outside a URL', () => {
  it.each([
    ['Command failed: NUXT_BACKGROUND_JOBS_COOKIE_SECRET=c00kie-secret-0f-32-chars node server.mjs', 'Command failed: NUXT_BACKGROUND_JOBS_COOKIE_SECRET=[redacted] node server.mjs'],
    ['400 for body client_secret=9f2c1e7a5b&grant_type=client_credentials', '400 for body client_secret=[redacted]&grant_type=client_credentials'],
    ['env: DB_PASSWORD=hunter2, DB_HOST=db', 'env: DB_PASSWORD=[redacted], DB_HOST=db'],
  ])('%s', (text, expected) => {
    expect(redact(text)).toBe(expected)
  })

  it('keeps other assignments, an access key\'s id and a bare key= of prose', () => {
    for (const text of ['lookup key=order-42 failed', 'AWS_ACCESS_KEY_ID=AKIA0123 region=eu-west-1', 'retry=3 timeoutMs=5000']) expect(redact(text)).toBe(text)
  })

  it('keeps long runs that only look like such assignments as they are (the pattern stays linear)', () => {
    for (const run of ['a'.repeat(50) + 'token'.repeat(20_000), 'password-'.repeat(20_000), `${'x'.repeat(100_000)}=`]) expect(redact(run)).toBe(run)
  })
})
