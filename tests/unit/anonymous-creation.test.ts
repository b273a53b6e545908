/**
 * `limits.anonymousCreatePerMinute`: job creations by anonymous users counted per client address
 * (IPv4 address, IPv6 /64), the address read from `X-Forwarded-For` only as far as
 * `trustedProxies` reaches; users the app names are not counted. Over real HTTP: e2e/anonymous-limit.test.ts.
 */
import type { H3Event } from 'h3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RateLimitError } from '../../server/lib/errors'
import { anonymousCreationAddress } from '../../server/lib/http/anonymous-creation'
import { addressKey, clientAddress } from '../../server/lib/http/client-address'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import { routeLogger } from '../../server/lib/http/route-logger'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createTestEngine } from '../support/engine-harness'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

function requestFrom(remoteAddress: string, forwardedFor?: string, anonymous = true): H3Event {
  return {
    context: { backgroundJobsAnonymous: anonymous },
    node: { req: { socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } } },
  } as unknown as H3Event
}

describe('the address a request counts by', () => {
  it('IPv4 as it is; an IPv4-mapped IPv6 address as its IPv4; IPv6 by its /64, however it is written', () => {
    expect(addressKey('198.51.100.7')).toBe('198.51.100.7')
    expect(addressKey('::ffff:198.51.100.7')).toBe('198.51.100.7')
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:0DB8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64')
    expect(addressKey('[2001:db8:1:2::5]:443')).toBe('2001:db8:1:2::/64')
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
    expect(addressKey('198.51.100.7:5678')).toBe('198.51.100.7')
    expect(addressKey('')).toBe('unknown')
    expect(addressKey('x'.repeat(500))).toHaveLength(64)
  })

  it('an IPv4-mapped address written in hex or in full is its IPv4 address, not one /64 for every IPv4 client', () => {
    expect(addressKey('::ffff:c633:6407')).toBe('198.51.100.7')
    expect(addressKey('0:0:0:0:0:ffff:c633:6408')).toBe('198.51.100.8')
    expect(addressKey('0000:0000:0000:0000:0000:FFFF:198.51.100.9')).toBe('198.51.100.9')
    expect(addressKey('[::ffff:c633:6407]:443')).toBe('198.51.100.7')
    // NAT64's well-known prefix (RFC 6052) carries the IPv4 client too.
    expect(addressKey('64:ff9b::198.51.100.7')).toBe('198.51.100.7')
    expect(addressKey('64:ff9b::c633:6408')).toBe('198.51.100.8')
    // Not mapped: a /64 as any other IPv6 address.
    expect(addressKey('::fffe:c633:6407')).toBe('0:0:0:0::/64')
  })

  it('a proxy\'s "unknown" in any case is no address (not one shared key)', () => {
    expect(addressKey('Unknown')).toBe('unknown')
    expect(addressKey('UNKNOWN')).toBe('unknown')
  })

  it('with no trusted proxy: the connection, and X-Forwarded-For is never read', () => {
    expect(clientAddress(requestFrom('203.0.113.1', '198.51.100.7'), 0)).toBe('203.0.113.1')
  })

  it('behind N proxies: the Nth entry from the right; what the client wrote further left is ignored', () => {
    expect(clientAddress(requestFrom('10.0.0.2', '198.51.100.7'), 1)).toBe('198.51.100.7')
    expect(clientAddress(requestFrom('10.0.0.2', '6.6.6.6, 198.51.100.7'), 1)).toBe('198.51.100.7')
    expect(clientAddress(requestFrom('10.0.0.3', '6.6.6.6, 198.51.100.7, 10.0.0.2'), 2)).toBe('198.51.100.7')
    // Fewer entries than proxies (a request that skipped one): the farthest one there is.
    expect(clientAddress(requestFrom('10.0.0.2'), 1)).toBe('10.0.0.2')
    expect(clientAddress(requestFrom('10.0.0.2', '198.51.100.7'), 3)).toBe('198.51.100.7')
  })
})

describe('limits.anonymousCreatePerMinute', () => {
  afterEach(() => vi.restoreAllMocks())

  /** A job that runs until it is aborted. */
  const untilAborted = (context: RunContext) => new Promise<void>((_, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }))

  function setup(limits: { anonymousCreatePerMinute: number, createPerMinute?: number, maxConcurrentJobsPerUser?: number }, trustedProxies = 0) {
    // Its jobs never end: the cap of running ones (anonymous-jobs-per-address.test) is off here.
    const { engine, config } = createTestEngine({ config: { limits: { maxConcurrentAnonymousJobsPerAddress: 0, ...limits }, trustedProxies }, runners: { chat: untilAborted } })
    let users = 0
    // As the routes create: a new anonymous user each time (a client that drops its cookie) unless named.
    const attempt = async (event: H3Event, options: { userId?: string, idempotencyKey?: string } = {}) => {
      const anonymousAddress = anonymousCreationAddress({ event, engine, config, userId: 'anon_x', flags: {} } as unknown as JobsRouteContext)
      return await engine.createJob(options.userId ?? `anon_${++users}`, { request: chatRequest, limitRate: true, idempotencyKey: options.idempotencyKey ?? null, ...(anonymousAddress === undefined ? {} : { anonymousAddress }) })
    }
    return { engine, attempt }
  }

  it('refuses the creation past the limit from one address, naming the setting; other addresses and named users are not held', async () => {
    const { engine, attempt } = setup({ anonymousCreatePerMinute: 2 })
    await attempt(requestFrom('198.51.100.7'))
    await attempt(requestFrom('::ffff:198.51.100.7'))
    const refused = await attempt(requestFrom('198.51.100.7')).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(RateLimitError)
    expect((refused as RateLimitError).message).toContain('limits.anonymousCreatePerMinute')
    expect((refused as RateLimitError).retryAfterSeconds).toBeGreaterThanOrEqual(1)
    await attempt(requestFrom('198.51.100.8'))
    for (let index = 0; index < 5; index++) await attempt(requestFrom('198.51.100.7', undefined, false))
    await engine.dispose()
  })

  it('counts one IPv6 /64 as one client', async () => {
    const { engine, attempt } = setup({ anonymousCreatePerMinute: 2 })
    await attempt(requestFrom('2001:db8:1:2::1'))
    await attempt(requestFrom('2001:db8:1:2::2'))
    await expect(attempt(requestFrom('2001:db8:1:2:ffff::3'))).rejects.toBeInstanceOf(RateLimitError)
    await attempt(requestFrom('2001:db8:1:3::1'))
    await engine.dispose()
  })

  it('behind a trusted proxy counts the forwarded client, not the proxy', async () => {
    const { engine, attempt } = setup({ anonymousCreatePerMinute: 1 }, 1)
    await attempt(requestFrom('10.0.0.2', '198.51.100.7'))
    await attempt(requestFrom('10.0.0.2', '198.51.100.8'))
    await expect(attempt(requestFrom('10.0.0.2', '1.1.1.1, 198.51.100.7'))).rejects.toBeInstanceOf(RateLimitError)
    await engine.dispose()
  })

  it('counts only jobs really created: an idempotent retry, or a creation a concurrency or per-user rate limit refuses, takes nothing', async () => {
    const { engine, attempt } = setup({ anonymousCreatePerMinute: 2, createPerMinute: 1, maxConcurrentJobsPerUser: 1 })
    const client = requestFrom('198.51.100.7')
    const first = await attempt(client, { userId: 'anon_a', idempotencyKey: 'k1' })
    expect(first.created).toBe(true)
    // The same post again (a network retry): the same job, four times.
    for (let index = 0; index < 4; index++) expect(await attempt(client, { userId: 'anon_a', idempotencyKey: 'k1' })).toMatchObject({ created: false, job: { id: first.job.id } })
    // Refused by the user's concurrency limit, then by the user's own rate window: neither counts for the address.
    await expect(attempt(client, { userId: 'anon_a' })).rejects.toMatchObject({ name: 'ConcurrencyLimitError' })
    await engine.abortJob('anon_a', first.job.id)
    const perUser = await attempt(client, { userId: 'anon_a' }).catch((error: unknown) => error)
    expect((perUser as RateLimitError).message).toContain('limits.createPerMinute')
    // So the address still has its second creation; the third is refused, naming its own setting.
    expect((await attempt(client)).created).toBe(true)
    const refused = await attempt(client).catch((error: unknown) => error)
    expect((refused as RateLimitError).message).toContain('limits.anonymousCreatePerMinute')
    await engine.dispose()
  })

  it('a full address window counts nothing in the user\'s own window', async () => {
    const { engine, attempt } = setup({ anonymousCreatePerMinute: 1, createPerMinute: 2 })
    await attempt(requestFrom('198.51.100.7'), { userId: 'anon_a' })
    await expect(attempt(requestFrom('198.51.100.7'), { userId: 'anon_a' })).rejects.toThrow('limits.anonymousCreatePerMinute')
    // From another address the same user has its second creation left.
    expect((await attempt(requestFrom('198.51.100.8'), { userId: 'anon_a' })).created).toBe(true)
    await expect(attempt(requestFrom('198.51.100.9'), { userId: 'anon_a' })).rejects.toThrow('limits.createPerMinute')
    await engine.dispose()
  })

  it('is off at 0', async () => {
    const { engine, attempt } = setup({ anonymousCreatePerMinute: 0 })
    for (let index = 0; index < 100; index++) await attempt(requestFrom('198.51.100.7'))
    await engine.dispose()
  })

  it('warns once when a proxy forwards but no proxy is trusted (every client would count as the proxy)', async () => {
    const warn = vi.spyOn(routeLogger, 'warn').mockImplementation(() => {})
    const { engine, attempt } = setup({ anonymousCreatePerMinute: 50 })
    await attempt(requestFrom('10.0.0.2', '198.51.100.7'))
    await attempt(requestFrom('10.0.0.2', '198.51.100.8'))
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toContain('NUXT_BACKGROUND_JOBS_TRUSTED_PROXIES')
    await engine.dispose()
  })
})
