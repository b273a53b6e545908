/**
 * `clientIpv6PrefixLength`: the per-address limits counted an IPv6 client by its /64 only, but
 * many ISPs delegate a /56 or a /48 to each home, and such a client rotated through 256 or 65,536
 * /64s. The prefix length is a setting (default 64, 32 to 128) that every per-address limit uses.
 */
import type { H3Event } from 'h3'
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG, resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'
import { anonymousClientAddress } from '../../server/lib/http/anonymous-address'
import { addressKey } from '../../server/lib/http/client-address'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

function requestFrom(remoteAddress: string): H3Event {
  return { context: { backgroundJobsAnonymous: true }, node: { req: { socket: { remoteAddress }, headers: {} } } } as unknown as H3Event
}

describe('clientIpv6PrefixLength', () => {
  it('is 64 by default, and a /64 reads as before', () => {
    expect(DEFAULT_CONFIG.clientIpv6PrefixLength).toBe(64)
    expect(addressKey('2001:db8:1:2::1', 64)).toBe('2001:db8:1:2::/64')
  })

  it('counts an IPv6 address by the prefix it names, inside a group too; IPv4 as it is', () => {
    expect(addressKey('2001:db8:1:2ff::1', 56)).toBe('2001:db8:1:200::/56')
    expect(addressKey('2001:db8:1:2ff::1', 48)).toBe('2001:db8:1::/48')
    expect(addressKey('2001:db8:abcd:12::1', 52)).toBe('2001:db8:abcd:0::/52')
    expect(addressKey('2001:db8:1:2:3:4:5:6', 128)).toBe('2001:db8:1:2:3:4:5:6/128')
    expect(addressKey('198.51.100.7', 48)).toBe('198.51.100.7')
    expect(addressKey('::ffff:198.51.100.7', 48)).toBe('198.51.100.7')
  })

  it('is what the anonymous limits count by: two /64s of one /56 are one client at 56, two at 64', () => {
    const at = (length: number) => ({ ...DEFAULT_CONFIG, clientIpv6PrefixLength: length }) as BackgroundJobsConfig
    const [first, second] = [requestFrom('2001:db8:1:200::1'), requestFrom('2001:db8:1:2ff::1')]
    expect(anonymousClientAddress(first, at(56))).toBe(anonymousClientAddress(second, at(56)))
    expect(anonymousClientAddress(first, at(64))).not.toBe(anonymousClientAddress(second, at(64)))
  })

  it('is refused at boot outside 32 to 128, naming the variable', () => {
    expect(configProblems(resolveConfig({ clientIpv6PrefixLength: 48 }))).toEqual([])
    for (const length of [16, 129, 0]) {
      expect(configProblems(resolveConfig({ clientIpv6PrefixLength: length })).join('\n')).toContain('NUXT_BACKGROUND_JOBS_CLIENT_IPV6_PREFIX_LENGTH')
    }
  })
})
