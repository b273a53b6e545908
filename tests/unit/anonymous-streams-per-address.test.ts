/**
 * The notification stream needs no job, and a client that drops its cookie is a new anonymous user
 * per stream: `maxStreamsPerUser` never held it back, so one address opened streams up to the
 * instance's `maxStreams` and every other user got 429. `limits.maxAnonymousStreamsPerAddress`
 * (default 200) caps anonymous users' streams per client address; named users are not counted.
 */
import type { H3Event } from 'h3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import type { BackgroundJobsConfig } from '../../server/lib/config'
import { RateLimitError } from '../../server/lib/errors'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import { withStreamSlot } from '../../server/lib/http/user-stream'
import { useStreamGate } from '../../server/lib/stream-limit'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const config: BackgroundJobsConfig = { ...DEFAULT_CONFIG, limits: { ...DEFAULT_CONFIG.limits, maxStreams: 10, maxAnonymousStreamsPerAddress: 3 } }

/** Streams held open until `closeAll`. */
const closers: Array<() => void> = []
const served: Array<Promise<unknown>> = []
let users = 0

afterEach(async () => {
  closers.splice(0).forEach(close => close())
  await Promise.allSettled(served.splice(0))
})

/** Opens a stream as a new anonymous user from `address` (or as the named `userId`); resolves once it holds its slot, or rejects with the refusal. */
async function open(address: string, userId?: string, limits: BackgroundJobsConfig = config): Promise<() => void> {
  const event = { context: { backgroundJobsAnonymous: userId === undefined }, node: { req: { socket: { remoteAddress: address }, headers: {} } } } as unknown as H3Event
  const context = { event, userId: userId ?? `anon_${++users}`, config: limits } as unknown as JobsRouteContext
  let close!: () => void
  const held = new Promise<void>(resolve => close = resolve)
  let opened!: () => void
  const started = new Promise<void>(resolve => opened = resolve)
  const stream = withStreamSlot(context, async () => {
    opened()
    await held
  })
  served.push(stream)
  await Promise.race([started, stream])
  closers.push(close)
  return close
}

describe('anonymous streams per client address', () => {
  it('is on by default', () => {
    expect(DEFAULT_CONFIG.limits.maxAnonymousStreamsPerAddress).toBe(200)
  })

  it('one address without cookies cannot take the instance\'s streams: past its cap a 429 naming the setting, and others still stream', async () => {
    for (let stream = 0; stream < 3; stream++) await open('198.51.100.7')
    const refused = await open('198.51.100.7').catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(RateLimitError)
    expect((refused as RateLimitError).message).toContain('limits.maxAnonymousStreamsPerAddress')
    expect((refused as RateLimitError).setting).toBe('maxAnonymousStreamsPerAddress')
    // The same IPv6 /64 is one address; another address, and a named user from the same one, are not held.
    await open('2001:db8:1:2::1')
    await open('198.51.100.8')
    await open('198.51.100.7', 'user-7')
    expect(useStreamGate().total()).toBe(6)
  })

  it('counts one IPv6 /64 as one address: a new address of the same /64 per stream is held, another /64 is not', async () => {
    await open('2001:db8:1:2::1')
    await open('2001:db8:1:2::2')
    await open('2001:db8:1:2:ffff:ffff:ffff:3')
    await expect(open('2001:db8:1:2:abcd::4')).rejects.toBeInstanceOf(RateLimitError)
    await open('2001:db8:1:3::1')
    expect(useStreamGate().countOfAddress('2001:db8:1:2::/64')).toBe(3)
    expect(useStreamGate().countOfAddress('2001:db8:1:3::/64')).toBe(1)
  })

  it('a closed stream gives its place back; nothing is left counted', async () => {
    const first = await open('198.51.100.7')
    await open('198.51.100.7')
    await open('198.51.100.7')
    await expect(open('198.51.100.7')).rejects.toBeInstanceOf(RateLimitError)
    first()
    await Promise.resolve()
    await vi.waitFor(() => expect(useStreamGate().countOfAddress('198.51.100.7')).toBe(2))
    await open('198.51.100.7')
    closers.splice(0).forEach(close => close())
    await Promise.allSettled(served.splice(0))
    expect(useStreamGate().countOfAddress('198.51.100.7')).toBe(0)
    expect(useStreamGate().total()).toBe(0)
  })

  it('is off at 0', async () => {
    const off = { ...config, limits: { ...config.limits, maxAnonymousStreamsPerAddress: 0 } }
    for (let stream = 0; stream < 10; stream++) await open('198.51.100.7', undefined, off)
    await expect(open('198.51.100.7', undefined, off)).rejects.toThrow('limits.maxStreams')
  })
})
