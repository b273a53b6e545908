/**
 * `limits.anonymousCreatePerMinute` is on by default (60, as `createPerMinute`): before, it was 0,
 * so a script that drops its cookie — a new anonymous user per request, which no per-user limit
 * holds back — created jobs up to the global `maxConcurrentJobs` for everyone, spending the
 * upstream key. Behind a proxy that `trustedProxies` does not name, every anonymous client counts as
 * the proxy: the first such request is logged once, whichever proxy header shows it.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { RateLimitError } from '../../server/lib/errors'
import { forgetProxyWarning } from '../../server/lib/http/anonymous-address'
import { anonymousCreationAddress } from '../../server/lib/http/anonymous-creation'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import { routeLogger } from '../../server/lib/http/route-logger'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createTestEngine } from '../support/engine-harness'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

function requestFrom(remoteAddress: string, headers: Record<string, string> = {}): H3Event {
  return { context: { backgroundJobsAnonymous: true }, node: { req: { socket: { remoteAddress }, headers } } } as unknown as H3Event
}

/** A job that runs until it is aborted. */
const untilAborted = (context: RunContext) => new Promise<void>((_, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }))

let warn: ReturnType<typeof vi.spyOn>

beforeEach(() => {
  forgetProxyWarning()
  warn = vi.spyOn(routeLogger, 'warn').mockImplementation(() => {})
})

afterEach(() => vi.restoreAllMocks())

/**
 * The default configuration's engine; each attempt is a new anonymous user (a client that drops its
 * cookie). Its jobs never end, so the cap of running ones (anonymous-jobs-per-address.test) is off.
 */
function setup() {
  const { engine, config } = createTestEngine({ config: { limits: { maxConcurrentAnonymousJobsPerAddress: 0 } }, runners: { chat: untilAborted } })
  let users = 0
  const attempt = async (event: H3Event) => {
    const anonymousAddress = anonymousCreationAddress({ event, engine, config, userId: 'anon_x', flags: {} } as unknown as JobsRouteContext)
    return await engine.createJob(`anon_${++users}`, { request: chatRequest, limitRate: true, idempotencyKey: null, ...(anonymousAddress === undefined ? {} : { anonymousAddress }) })
  }
  return { engine, attempt }
}

describe('anonymous creations by default', () => {
  it('one address gets 60 a minute as new anonymous users; the 61st is a 429 naming the setting, another address is not held', async () => {
    expect(DEFAULT_CONFIG.limits.anonymousCreatePerMinute).toBe(60)
    const { engine, attempt } = setup()
    for (let index = 0; index < 60; index++) await attempt(requestFrom('198.51.100.7'))
    const refused = await attempt(requestFrom('198.51.100.7')).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(RateLimitError)
    expect((refused as RateLimitError).message).toContain('limits.anonymousCreatePerMinute')
    expect((await attempt(requestFrom('198.51.100.8'))).created).toBe(true)
    expect(warn).not.toHaveBeenCalled()
    await engine.dispose()
  })

  it.each([
    ['x-forwarded-for', '198.51.100.7'],
    ['forwarded', 'for=198.51.100.7;proto=https'],
    ['x-real-ip', '198.51.100.7'],
  ])('a request through a proxy (%s) with no proxy trusted is logged once, naming the setting', async (header, value) => {
    const { engine, attempt } = setup()
    await attempt(requestFrom('10.0.0.2', { [header]: value }))
    await attempt(requestFrom('10.0.0.2', { [header]: value }))
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toContain(`requests come through a proxy (${header})`)
    expect(warn.mock.calls[0]![0]).toContain('NUXT_BACKGROUND_JOBS_TRUSTED_PROXIES')
    await engine.dispose()
  })
  it('a request with no client address to tell clients apart by is not counted (one warn line), so one shared window never holds every anonymous client back', async () => {
    const { engine, attempt } = setup()
    // A platform that gives no socket address: 61 creations, none refused.
    for (let index = 0; index < 61; index++) expect((await attempt(requestFrom(''))).created).toBe(true)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toContain('no client address to count anonymous users by')
    await engine.dispose()
  })
})
