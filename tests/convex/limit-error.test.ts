/**
 * A call that passes one of Convex's limits (bytes or documents read in one execution, a value
 * too large …) fails the same way every time it is sent. It reached clients as a 503 "retry
 * shortly" with `Retry-After`, so clients and the persist queue sent it again for nothing, and the
 * operator read an outage. Where Convex says which limit (a development deployment, convex-test;
 * production says only `Server Error`) it is now a 500 naming the function and the limit, without
 * `Retry-After`, logged for the operator.
 */
import type { H3Event } from 'h3'
import { describe, expect, it, vi } from 'vitest'
import { toHttpError } from '../../server/lib/http/handler'
import { ConvexLimitError } from '../../server/lib/providers/convex'
import { recordingLogger } from '../support/recording-logger'
import { createBackend, createInstance, newJob } from './backend'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** The status, message and `Retry-After` a route answers with for `error`. */
function asRoute(error: unknown) {
  const headers: Record<string, unknown> = {}
  const event = { method: 'GET', path: '/api/jobs/job-big', node: { res: { setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = value } } } } as unknown as H3Event
  const http = toHttpError(event, error) as unknown as { statusCode: number, message: string }
  return { status: http.statusCode, message: http.message, retryAfter: headers['retry-after'] }
}

describe('a Convex call past one of Convex\'s limits', () => {
  it('is a 500 naming the function and the limit, without Retry-After, and is logged', async () => {
    // Convex's 16 MiB read limit, lowered so one job's request passes it.
    const backend = createBackend({ bytesRead: 4_000 })
    const { logger, lines } = recordingLogger()
    const { provider } = createInstance(backend, { logger })
    await provider.create(newJob({ id: 'job-big', userId: 'user-1', request: { type: 'chat', messages: [{ role: 'user', content: 'x'.repeat(8_000) }] } }))

    const failure = await provider.get('job-big').catch((error: unknown) => error)
    const answer = asRoute(failure)
    expect(answer.status).toBe(500)
    expect(failure).toBeInstanceOf(ConvexLimitError)
    expect(answer.retryAfter).toBeUndefined()
    expect(answer.message).toMatch(/^Convex refused jobs:get: it passes one of Convex's limits \(Read too much data in a single function execution \(limit: 4000 bytes\)/)
    expect(answer.message).toMatch(/sending it again will not help$/)
    expect(lines.map(line => [line.level, line.message, line.fields?.function])).toEqual([['error', 'a Convex call passed one of Convex\'s limits', 'jobs:get']])
  })
})
