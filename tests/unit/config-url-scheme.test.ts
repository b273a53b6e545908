/**
 * A URL setting written without its scheme (`localhost:6379`, `my-app.convex.cloud:443`) is the
 * commonest slip with these variables. The URL parser reads what comes before the first `:` as a
 * scheme, so the boot error said `must start with redis:// or rediss://, not localhost://` — about
 * a `localhost://` nobody wrote. It now says the URL has no scheme and how to write one.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const shared = { cookieSecret: 'x'.repeat(32), convexSecret: 's'.repeat(32) }

describe('a URL setting without a scheme', () => {
  it.each([
    ['redisUrl', { provider: 'redis' as const, redisUrl: 'localhost:6379' }, 'NUXT_BACKGROUND_JOBS_REDIS_URL) has no scheme: write redis://host:6379 (rediss:// for TLS)'],
    ['redisUrl', { provider: 'redis' as const, redisUrl: 'cache.internal:6379/0' }, 'NUXT_BACKGROUND_JOBS_REDIS_URL) has no scheme: write redis://host:6379 (rediss:// for TLS)'],
    ['upstream.baseUrl', { upstream: { baseUrl: 'localhost:8080/v1' } }, 'NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL) has no scheme: write https:// or http:// before the host'],
    ['convexUrl', { provider: 'convex' as const, convexUrl: 'happy-otter-123.convex.cloud:443' }, 'NUXT_BACKGROUND_JOBS_CONVEX_URL) has no scheme: write https:// or http:// before the host'],
    // Forms the URL parser refuses outright (no port, a path, an IP address first): they were "is
    // not a URL" or "must be an http(s) URL, got a text of 28 characters", naming nothing to fix.
    ['redisUrl', { provider: 'redis' as const, redisUrl: '10.0.0.5:6379' }, 'NUXT_BACKGROUND_JOBS_REDIS_URL) has no scheme: write redis://host:6379 (rediss:// for TLS)'],
    ['redisUrl', { provider: 'redis' as const, redisUrl: 'redis.internal' }, 'NUXT_BACKGROUND_JOBS_REDIS_URL) has no scheme: write redis://host:6379 (rediss:// for TLS)'],
    ['upstream.baseUrl', { upstream: { baseUrl: 'api.openai.com/v1' } }, 'NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL) has no scheme: write https:// or http:// before the host'],
    ['upstream.baseUrl', { upstream: { baseUrl: '192.168.1.10:8080/v1' } }, 'NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL) has no scheme: write https:// or http:// before the host'],
    ['convexUrl', { provider: 'convex' as const, convexUrl: 'happy-otter-123.convex.cloud' }, 'NUXT_BACKGROUND_JOBS_CONVEX_URL) has no scheme: write https:// or http:// before the host'],
  ])('%s is said to have none, not to start with a scheme made of its host', (_key, input, message) => {
    const problems = configProblems(resolveConfig({ ...shared, ...input }))
    expect(problems).toEqual([expect.stringContaining(message)])
    expect(problems.join()).not.toMatch(/not [\w.-]+:\/\//)
  })

  it('a URL with another scheme is still told which one it has', () => {
    expect(configProblems(resolveConfig({ ...shared, provider: 'redis', redisUrl: 'http://cache:6379' }))).toEqual([expect.stringContaining('must start with redis:// or rediss://, not http://')])
    expect(configProblems(resolveConfig({ upstream: { baseUrl: 'ftp://example.com/v1' } }))).toEqual([expect.stringContaining('must start with https:// or http://, not ftp://')])
  })
})
