/**
 * `limits.anonymousCreatePerMinute`: job creations by anonymous users counted per client address
 * (IPv4 address, IPv6 /64), the address read from `X-Forwarded-For` only as far as
 * `trustedProxies` reaches; users the app names are not counted. Over real HTTP: e2e/anonymous-limit.test.ts.
 */
import type { H3Event } from 'h3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RateLimitError } from '../../server/lib/errors'
import { limitAnonymousCreation } from '../../server/lib/http/anonymous-creation'
import { addressKey, clientAddress } from '../../server/lib/http/client-address'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import { routeLogger } from '../../server/lib/http/route-logger'
import { createTestEngine } from '../support/engine-harness'

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

  function setup(limits: { anonymousCreatePerMinute: number }, trustedProxies = 0) {
    const { engine, config } = createTestEngine({ config: { limits, trustedProxies }, runners: { chat: async () => {} } })
    const attempt = (event: H3Event) => limitAnonymousCreation({ event, engine, config, userId: 'anon_x', flags: {} } as unknown as JobsRouteContext)
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
