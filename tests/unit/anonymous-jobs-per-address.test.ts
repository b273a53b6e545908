/**
 * `limits.maxConcurrentAnonymousJobsPerAddress`: a client that drops its anonymous cookie is a new
 * user per job, so `maxConcurrentJobsPerUser` never held it back — one address ran its creation
 * rate × the job time in jobs at once (model spend). The anonymous users of one client address
 * (IPv4, IPv6 /64) now share a cap of active jobs, counted by the store with the insert (so across
 * instances: the Redis and Convex cases are in provider-contract / redis / convex tests); a job
 * leaves it when it ends, however it ends.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { ConcurrencyLimitError } from '../../server/lib/errors'
import { anonymousCreationAddress } from '../../server/lib/http/anonymous-creation'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createTestEngine } from '../support/engine-harness'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

/** How each running job ends, by id: the test settles it. */
const endings = new Map<string, { complete: () => void, fail: (error: Error) => void }>()

/** A job that runs until the test completes or fails it, or it is aborted. */
function heldJob(context: RunContext): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    endings.set(context.jobId, { complete: resolve, fail: reject })
    context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true })
  })
}

function requestFrom(remoteAddress: string, anonymous = true): H3Event {
  return { context: { backgroundJobsAnonymous: anonymous }, node: { req: { socket: { remoteAddress }, headers: {} } } } as unknown as H3Event
}

function setup(limits: Record<string, number>) {
  const { engine, config } = createTestEngine({ config: { limits: { anonymousCreatePerMinute: 0, ...limits } }, runners: { chat: heldJob } })
  let users = 0
  // As the routes create: a new anonymous user each time (a client that drops its cookie) unless named.
  const create = async (address: string, userId?: string) => {
    const anonymousAddress = anonymousCreationAddress({ event: requestFrom(address, userId === undefined), engine, config, userId: 'anon_x', flags: {} } as unknown as JobsRouteContext)
    const owner = userId ?? `anon_${++users}`
    const { job } = await engine.createJob(owner, { request: chatRequest, limitRate: true, ...(anonymousAddress === undefined ? {} : { anonymousAddress }) })
    return { id: job.id, userId: owner }
  }
  return { engine, create }
}

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  endings.clear()
  vi.useRealTimers()
})

describe('limits.maxConcurrentAnonymousJobsPerAddress', () => {
  it('is on by default', () => {
    expect(DEFAULT_CONFIG.limits.maxConcurrentAnonymousJobsPerAddress).toBe(20)
  })

  it('refuses a job past the cap from one address with a 429 naming the setting; another address and named users are not held', async () => {
    const { engine, create } = setup({ maxConcurrentAnonymousJobsPerAddress: 2, retryAfterSeconds: 7 })
    await create('198.51.100.7')
    await create('::ffff:198.51.100.7')
    const refused = await create('198.51.100.7').catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ConcurrencyLimitError)
    expect(refused).toMatchObject({ scope: 'address', statusCode: 429, retryAfterSeconds: 7, limit: 2 })
    expect((refused as Error).message).toContain('limits.maxConcurrentAnonymousJobsPerAddress')
    await create('198.51.100.8')
    for (let index = 0; index < 3; index++) await create('198.51.100.7', `user-${index}`)
    await engine.dispose()
  })

  it('counts one IPv6 /64 as one client: a new address of the /64 per job is held, another /64 is not', async () => {
    const { engine, create } = setup({ maxConcurrentAnonymousJobsPerAddress: 2 })
    await create('2001:db8:1:2::1')
    await create('2001:db8:1:2::2')
    await expect(create('2001:db8:1:2:ffff:ffff:ffff:3')).rejects.toMatchObject({ scope: 'address' })
    await create('2001:db8:1:3::1')
    await engine.dispose()
  })

  it('frees the slot when the job ends, however it ends: completed, failed, aborted, timed out', async () => {
    const { engine, create } = setup({ maxConcurrentAnonymousJobsPerAddress: 1, jobTimeoutMs: 60_000 })
    const full = () => expect(create('198.51.100.7')).rejects.toMatchObject({ scope: 'address' })
    const ends: Array<(id: string) => Promise<unknown>> = [
      async id => endings.get(id)!.complete(),
      async id => endings.get(id)!.fail(new Error('boom')),
      async id => await engine.abortJob(ownerOf.get(id)!, id),
      async () => await vi.advanceTimersByTimeAsync(60_000),
    ]
    const ownerOf = new Map<string, string>()
    const statuses: string[] = []
    for (const end of ends) {
      const job = await create('198.51.100.7')
      ownerOf.set(job.id, job.userId)
      await vi.advanceTimersByTimeAsync(0)
      await full()
      await end(job.id)
      await engine.whenSettled(job.id)
      statuses.push((await engine.getJob(job.userId, job.id)).job.status)
    }
    expect(statuses).toEqual(['completed', 'failed', 'aborted', 'failed'])
    await create('198.51.100.7')
    await engine.dispose()
  })

  it('is off at 0, and needs no anonymousCreatePerMinute to count', async () => {
    const off = setup({ maxConcurrentAnonymousJobsPerAddress: 0 })
    for (let index = 0; index < 5; index++) await off.create('198.51.100.7')
    await off.engine.dispose()
  })
})
