/**
 * A Redis URL whose user info has no `:` — `redis://s3cr3t@cache:6379` — is a password written in
 * the user's place as often as it is a user name: the Redis provider's own messages hide it whole
 * (redis-url-redaction.ts), but the logger redacted only a password after a `:`, so a driver's or a
 * hook's error quoting such a URL wrote the password. It is redacted now (Redis and Valkey URLs;
 * a web URL's or another connection string's user name is kept).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MAX_LOG_STRING_BYTES } from '../../server/lib/log-cut'
import { createConsoleLogger, redact } from '../../server/lib/logger'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('a Redis URL with user info but no ":"', () => {
  it.each([
    ['connect failed: redis://s3cr3t-token@cache.internal:6379/0', 'connect failed: redis://[redacted]@cache.internal:6379/0'],
    ['REDIS_URL=rediss://Tr0ub4dor3@cache:6380', 'REDIS_URL=rediss://[redacted]@cache:6380'],
    ['valkey://pa*ss@cache', 'valkey://[redacted]@cache'],
    // The provider's own message, already hidden, stays as it was.
    ['NUXT_BACKGROUND_JOBS_REDIS_URL (redis://***@127.0.0.1:6379) reaches a replica', 'NUXT_BACKGROUND_JOBS_REDIS_URL (redis://***@127.0.0.1:6379) reaches a replica'],
  ])('%s', (text, redacted) => {
    expect(redact(text)).toBe(redacted)
  })

  it('keeps what is no Redis password', () => {
    for (const text of ['redis://cache.internal:6379/0', 'postgres://app@db/orders', 'ssh://git@github.com/org/repo', 'mailto bob@example.com', 'redis://default:[redacted]@cache:6379']) expect(redact(text)).toBe(text)
  })

  it('in a line whose cut falls inside the password', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const password = 'q'.repeat(5_000)
    createConsoleLogger().error('redis failed', { jobId: 'job-1', error: new Error(`${'x'.repeat(MAX_LOG_STRING_BYTES - 30)} redis://${password}@cache:6379 ${'y'.repeat(50_000)}`) })
    const line = error.mock.calls[0]![0] as string
    expect(line).not.toContain('qqq')
    expect(JSON.parse(line).error.message).toContain('redis://[redacted]')
  })
})
