/**
 * `trustedProxyAddresses` is checked at boot (decision 031): an entry that is not an IP address or
 * CIDR range is named, and so is the setting given together with the `trustedProxies` count.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

describe('trustedProxyAddresses at boot', () => {
  it('takes IPv4 and IPv6 addresses and CIDR ranges, separated by commas or spaces', () => {
    expect(configProblems(resolveConfig({ trustedProxyAddresses: '10.0.0.0/8,fd00::/8 192.168.1.5, ::1, 0.0.0.0/0' }))).toEqual([])
  })

  it('names each bad entry and what to write', () => {
    const problems = configProblems(resolveConfig({ trustedProxyAddresses: '10.0.0.0/8,proxy.internal,10.0.0.0/33,fd00::/129,10.0.0.0/x' }))
    expect(problems).toHaveLength(4)
    expect(problems[0]).toMatch(/^backgroundJobs\.trustedProxyAddresses \(NUXT_BACKGROUND_JOBS_TRUSTED_PROXY_ADDRESSES\) lists "proxy\.internal", which is not an IP address or CIDR range: .*10\.0\.0\.0\/8,fd00::\/8/)
    expect(problems[1]).toMatch(/lists "10\.0\.0\.0\/33", whose prefix length must be a whole number from 0 to 32/)
    expect(problems[2]).toMatch(/lists "fd00::\/129", whose prefix length must be a whole number from 0 to 128/)
    expect(problems[3]).toMatch(/lists "10\.0\.0\.0\/x"/)
  })

  it('an IPv4-mapped or NAT64 range written with the IPv4 prefix length is refused: ::ffff:10.0.0.0/8 is ::/8, every IPv4 client', () => {
    const problems = configProblems(resolveConfig({ trustedProxyAddresses: '::ffff:10.0.0.0/8, 64:ff9b::10.0.0.0/8, 64:ff9b::a00:0/40, ::ffff:a00:0/95' }))
    expect(problems).toHaveLength(4)
    expect(problems[0]).toMatch(/^backgroundJobs\.trustedProxyAddresses \(NUXT_BACKGROUND_JOBS_TRUSTED_PROXY_ADDRESSES\) lists "::ffff:10\.0\.0\.0\/8", whose prefix length counts the whole IPv6 address, so \/8 .*holds every IPv4 address .*write the IPv4 range itself \(10\.0\.0\.0\/8\), or a prefix length of 96 or more, \/104 for an IPv4 \/8$/)
    expect(problems[1]).toMatch(/lists "64:ff9b::10\.0\.0\.0\/8", .*holds every IPv4 address/)
    expect(problems[2]).toMatch(/lists "64:ff9b::a00:0\/40", .*holds far more addresses than the IPv4 range: .*96 or more$/)
    expect(problems[3]).toMatch(/lists "::ffff:a00:0\/95", .*holds every IPv4 address/)
    // The IPv4 range in either form, and the whole of each space, are fine.
    expect(configProblems(resolveConfig({ trustedProxyAddresses: '::ffff:10.0.0.0/104, 64:ff9b::10.0.0.0/104, ::ffff:0:0/96, 64:ff9b::/96, ::/0, 2001:db8::/32' }))).toEqual([])
  })

  it('given together with trustedProxies is an error naming both', () => {
    const problems = configProblems(resolveConfig({ trustedProxies: 1, trustedProxyAddresses: '10.0.0.0/8' }))
    expect(problems).toEqual([expect.stringMatching(/trustedProxyAddresses .*is set together with trustedProxies \(1\).*set trustedProxies to 0/)])
    expect(configProblems(resolveConfig({ trustedProxies: 1 }))).toEqual([])
  })
})
