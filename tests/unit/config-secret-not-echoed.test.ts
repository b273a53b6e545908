/**
 * A boot error goes to the process's output as thrown — past the logger's redaction — so it must
 * not print a secret an operator put in the wrong variable: the API key pasted into
 * `…_UPSTREAM_BASE_URL` (its neighbour), the Convex secret into `…_CONVEX_URL`, a token into a
 * number or on/off variable. config.md promises the error names the key and its variable, never
 * the value. Short words are still quoted (`"flase"`, `"10m"`, `"mongo"`: that is what helps).
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const apiKey = `sk-or-v1-${'0123456789abcdef'.repeat(4)}`
const convexSecret = 'f3a9c1e07b2d4858a6e1c0d9b7f4a2e3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5'

describe('a secret in the wrong variable', () => {
  it.each([
    ['upstream.baseUrl', { upstream: { baseUrl: apiKey } }, apiKey, 'NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL'],
    ['convexUrl', { provider: 'convex' as const, cookieSecret: 'x'.repeat(32), convexSecret: 's'.repeat(32), convexUrl: convexSecret }, convexSecret, 'NUXT_BACKGROUND_JOBS_CONVEX_URL'],
    ['limits.maxSteps', { limits: { maxSteps: apiKey as never } }, apiKey, 'NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS'],
    ['provider', { provider: convexSecret as never }, convexSecret, 'NUXT_BACKGROUND_JOBS_PROVIDER'],
    ['recovery.chat', { recovery: { chat: apiKey as never } }, apiKey, 'NUXT_BACKGROUND_JOBS_RECOVERY_CHAT'],
  ])('%s: the boot error names the variable, not the value', (_key, input, secret, variable) => {
    const problems = configProblems(resolveConfig(input)).join('\n')
    expect(problems).toContain(variable)
    expect(problems).not.toContain(secret.slice(0, 12))
  })

  it.each([
    ['limits.maxSteps', { limits: { maxSteps: { apiKey } } }, 'NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS) must be a number, got a JSON object'],
    ['telemetry.recordContent', { telemetry: { recordContent: { apiKey } } }, 'NUXT_BACKGROUND_JOBS_TELEMETRY_RECORD_CONTENT) must be true or false (also accepted: true, 1, yes, on, false, 0, no, off), got a JSON object'],
    ['provider', { provider: { apiKey } }, 'NUXT_BACKGROUND_JOBS_PROVIDER) must be one of memory, redis, convex, got a JSON object'],
    ['recovery.chat', { recovery: { chat: { apiKey } } }, 'NUXT_BACKGROUND_JOBS_RECOVERY_CHAT) must be one of fail, continue, got a JSON object'],
    ['limits.jobTimeoutMs (a list)', { limits: { jobTimeoutMs: [apiKey] } }, 'NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS) must be a number, got a list of 1'],
  ])('%s: a whole JSON secret (what a secret manager injects) in the variable is named, not printed', (_key, input, expected) => {
    const problems = configProblems(resolveConfig(input as never), { input }).join('\n')
    expect(problems).not.toContain(apiKey.slice(0, 12))
    expect(problems).toContain(expected)
  })

  it('a list of origins holding a secret, or a URL with a password, is named, not printed', () => {
    const problems = configProblems(resolveConfig({ trustedOrigins: `https://app.example.com,${apiKey},https://deploy:${convexSecret}@app.example.com/` })).join('\n')
    expect(problems).toContain('NUXT_BACKGROUND_JOBS_TRUSTED_ORIGINS')
    expect(problems).not.toContain(apiKey.slice(0, 12))
    expect(problems).not.toContain(convexSecret.slice(0, 12))
    expect(problems).toContain('(did you mean https://app.example.com?)')
  })

  it('a Redis URL whose query holds a secret (a password with an unescaped "?") is named, not printed', () => {
    const redis = { provider: 'redis' as const, cookieSecret: 'x'.repeat(32) }
    // The `?` ends the URL's authority: the password's rest and the host would read as a query
    // parameter's name; the raw `?` is named (redis-url-unescaped-password.test.ts).
    const problems = configProblems(resolveConfig({ ...redis, redisUrl: `redis://default:2024?${convexSecret}@redis.example.com:6379` })).join('\n')
    expect(problems).toContain('NUXT_BACKGROUND_JOBS_REDIS_URL')
    expect(problems).toContain('has a user name or password holding a raw /, ? or #')
    expect(problems).not.toContain(convexSecret.slice(0, 12))
    const bare = configProblems(resolveConfig({ ...redis, redisUrl: `redis://127.0.0.1:6379/0?${apiKey}` })).join('\n')
    expect(bare).toContain('has query parameters (a text of 73 characters)')
    expect(bare).not.toContain(apiKey.slice(0, 12))
  })

  it('an on/off variable holding a secret is named, not printed', () => {
    const input = { telemetry: { recordContent: apiKey } }
    const problems = configProblems(resolveConfig(input as never), { input }).join('\n')
    expect(problems).toContain('NUXT_BACKGROUND_JOBS_TELEMETRY_RECORD_CONTENT')
    expect(problems).not.toContain(apiKey.slice(0, 12))
  })
})
