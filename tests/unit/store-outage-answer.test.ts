/**
 * A 503 for a job store that does not answer tells the client that, and no more: the driver's
 * words can hold the store's internal address (`connect ECONNREFUSED 10.0.3.7:6379`) or advice
 * meant for the operator, and any visitor gets these answers during an outage. The detail goes
 * to the log, once per outage (not once per request).
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { toHttpError } from '../../server/lib/http/handler'
import { clientErrorMessage } from '../../server/lib/http/client-error'
import { RedisUnavailableError } from '../../server/lib/providers/redis-client'
import { RedisRefusedError } from '../../server/lib/providers/redis-refusal'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const ADDRESS = '10.0.3.7:6379'
let logged: string[] = []

beforeEach(() => {
  logged = []
  for (const level of ['warn', 'error', 'info', 'log'] as const) {
    vi.spyOn(console, level).mockImplementation((...parts: unknown[]) => {
      logged.push(parts.map(part => (typeof part === 'string' ? part : JSON.stringify(part))).join(' '))
    })
  }
})

afterEach(() => {
  vi.restoreAllMocks()
})

function asRoute(error: unknown) {
  const headers: Record<string, unknown> = {}
  const event = { node: { res: { setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = value } } } } as unknown as H3Event
  const http = toHttpError(event, error) as unknown as { statusCode: number, message: string }
  return { status: http.statusCode, message: http.message, retryAfter: headers['retry-after'] }
}

describe('a store outage as the client sees it', () => {
  it('Redis unreachable: 503 with Retry-After, no address in the answer; the address is logged once', () => {
    const error = new RedisUnavailableError(Object.assign(new Error(`connect ECONNREFUSED ${ADDRESS}`), { code: 'ECONNREFUSED' }))
    expect(error.message).toContain(ADDRESS)
    expect(asRoute(error)).toEqual({ status: 503, message: 'The job store (Redis) is unavailable; retry shortly', retryAfter: 5 })
    expect(asRoute(error).message).not.toContain(ADDRESS)
    // Inside a stream, where no status can be sent, the same words.
    expect(clientErrorMessage(error)).toBe('The job store (Redis) is unavailable; retry shortly')
    const lines = logged.filter(line => line.includes(ADDRESS))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('the job store did not answer a request (503)')
  })

  it('Redis refusing writes: the operator\'s hint stays out of the answer', () => {
    const error = new RedisRefusedError('READONLY', 'READONLY You can\'t write against a read only replica.')
    expect(asRoute(error).message).toBe('The job store (Redis) refused the command; retry shortly')
    expect(error.message).toContain('point it at the primary')
  })
})
