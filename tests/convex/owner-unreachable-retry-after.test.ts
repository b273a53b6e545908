/**
 * An abort forwarded to an owner that does not answer (it died: its lease lapses meanwhile) ends in
 * a 503 "did not answer … retry shortly" — with no `Retry-After`, unlike every other 503 of the
 * routes, so a client had no wait to honour and the AI SDK's message no "try again in N s". It now
 * carries one recovery scan's wait (`lease.heartbeatMs`, 5 s): by then another instance has taken
 * the job over and a retry reaches it.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { toHttpError } from '../../server/lib/http/handler'
import { createBackend, newJob, statusEvent } from './backend'
import { createEngineNode } from './engine-node'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const config = resolveConfig({})

describe('convex: an owner that does not answer a forwarded abort', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is a 503 with Retry-After: one lease heartbeat', async () => {
    const backend = createBackend()
    const viewer = createEngineNode(backend, { instanceId: 'B', config })
    // Run by an owner whose lease never lapses here (no takeover) and who answers no control.
    const { record: job } = await viewer.provider.create(newJob({ userId: 'u1', request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } }))
    await viewer.provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })

    const aborting = viewer.engine.abortJob('u1', job.id).then(() => null, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(config.lease.durationMs + 2 * config.lease.heartbeatMs + 1_000)
    const error = await aborting
    const headers: Record<string, unknown> = {}
    const event = { node: { res: { setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = value }, hasHeader: () => false } } } as unknown as H3Event
    const http = toHttpError(event, error) as unknown as { statusCode: number, message: string }
    expect({ status: http.statusCode, retryAfter: headers['retry-after'] }).toEqual({ status: 503, retryAfter: config.lease.heartbeatMs / 1000 })
    expect(http.message).toMatch(/did not answer within \d+ ms; retry shortly/)

    const disposed = viewer.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
