/**
 * A shared provider without a cookie secret stops the boot. A developer switching to Redis read
 * that the secret is required, and then had to look up what to put there; the error now says:
 * random text of 32+ characters, the same on every instance, and a command that makes one.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const SECRET_HINT = 'random text of at least 32 characters, the same on every instance (e.g. `openssl rand -hex 32`)'

describe('the cookie secret of a shared provider', () => {
  it('missing: says what to set it to', () => {
    expect(configProblems(resolveConfig({ provider: 'redis', redisUrl: 'redis://127.0.0.1:6379' }))).toEqual([
      `backgroundJobs.cookieSecret (NUXT_BACKGROUND_JOBS_COOKIE_SECRET) is required with the shared provider "redis": every instance must read the anonymous user cookie the others set — set it to ${SECRET_HINT} (or turn anonymous users off with NUXT_BACKGROUND_JOBS_ALLOW_ANONYMOUS=false)`,
    ])
  })

  it('too short: says the same', () => {
    expect(configProblems(resolveConfig({ cookieSecret: 'short' }))).toEqual([
      `backgroundJobs.cookieSecret (NUXT_BACKGROUND_JOBS_COOKIE_SECRET) must be at least 32 characters long: ${SECRET_HINT}`,
    ])
  })
})
