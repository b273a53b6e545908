/**
 * A route whose Convex call the deployed functions refuse for what it is (a deployment that does not
 * match this server: here `jobs:get` sent an argument its validator lacks) answers a 500 naming the
 * function and the mismatch, without Convex's words (they quote the value sent), and logs one line
 * naming the request id, the route and the job id — once per reason and minute, counting the rest.
 * Before, the 500 was answered with no log line at all.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { toHttpError } from '../../server/lib/http/handler'
import { resetStoreRefusalLog, STORE_REFUSAL_LOG_WINDOW_MS } from '../../server/lib/http/store-refusal-log'
import { ConvexRefusedError } from '../../server/lib/providers/convex-errors'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import { runInRequestScope } from '../../server/lib/request-scope'
import { createBackend, createInstance, newJob } from './backend'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const VALUE = 'value-the-store-would-quote'

/** A server of another version: its `jobs:get` carries an argument the deployed validator lacks. */
const newerServer = (facade: ConvexFacade): ConvexFacade => ({
  ...facade,
  mutation: facade.mutation.bind(facade),
  subscribe: facade.subscribe.bind(facade),
  query(reference, args, ...rest) {
    if ((reference as unknown as string) !== 'jobs:get') return facade.query(reference, args, ...rest)
    return facade.query(reference, { ...args, format: VALUE } as typeof args, ...rest)
  },
})

/** The status and message a route answers `error` with, inside request `requestId` of job `jobId`. */
async function asRoute(error: unknown, requestId: string, jobId: string) {
  const event = { method: 'GET', path: `/api/jobs/${jobId}?after=3`, context: { params: { id: jobId } }, node: { res: { hasHeader: () => false, setHeader: () => {} } } } as unknown as H3Event
  const http = await runInRequestScope(requestId, async () => toHttpError(event, error)) as unknown as { statusCode: number, message: string }
  return { status: http.statusCode, message: http.message }
}

let logged: Array<Record<string, unknown>> = []

beforeEach(() => {
  vi.useFakeTimers()
  resetStoreRefusalLog()
  logged = []
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    for (const part of parts) if (typeof part === 'string' && part.startsWith('{')) logged.push(JSON.parse(part) as Record<string, unknown>)
  })
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

describe('convex: a route call the deployed functions refuse', () => {
  it('is a 500 naming the function and the mismatch, logged once with the request id and job id, no values', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend, { wrap: newerServer })
    await provider.create(newJob({ id: 'job-1', userId: 'user-1' }))
    const failure = await provider.get('job-1', { userId: 'user-1' }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ConvexRefusedError)

    const answer = await asRoute(failure, 'req-1', 'job-1')
    expect(answer.status).toBe(500)
    expect(answer.message).toMatch(/^Convex refused jobs:get: its arguments do not pass the function's validator/)
    expect(answer.message).toContain('the functions deployed to Convex and this server\'s version may not match')
    expect(answer.message).not.toContain(VALUE)

    const lines = logged.filter(line => String(line.msg ?? line.message).includes('refused a request\'s call for good'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ requestId: 'req-1', jobId: 'job-1', method: 'GET', path: '/api/jobs/job-1', store: 'convex', error: 'ConvexRefusedError' })
    expect(JSON.stringify(logged)).not.toContain(VALUE)

    // The same refusal again within the window: counted, not logged; after it, one line says how many.
    await asRoute(failure, 'req-2', 'job-1')
    expect(logged.filter(line => String(line.msg ?? line.message).includes('refused a request\'s call for good'))).toHaveLength(1)
    vi.advanceTimersByTime(STORE_REFUSAL_LOG_WINDOW_MS)
    await asRoute(failure, 'req-3', 'job-1')
    const later = logged.filter(line => String(line.msg ?? line.message).includes('refused a request\'s call for good'))
    expect(later).toHaveLength(2)
    expect(later[1]).toMatchObject({ requestId: 'req-3', notLoggedSince: 1 })
  })
})
