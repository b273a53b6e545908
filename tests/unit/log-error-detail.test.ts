/**
 * An error in a log line says why it happened: its `code` (ECONNREFUSED, a driver's SQLSTATE) and
 * its `cause` — `fetch failed` alone, or a connection's AggregateError with an empty message,
 * told an operator nothing — redacted like the rest of the line, never its stack.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createConsoleLogger } from '../../server/lib/logger'

afterEach(() => {
  vi.restoreAllMocks()
})

/** The `error` field of the one line `log` writes with `console.error`. */
function loggedError(log: (logger: ReturnType<typeof createConsoleLogger>) => void): Record<string, unknown> {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  log(createConsoleLogger())
  expect(error).toHaveBeenCalledTimes(1)
  return JSON.parse(error.mock.calls[0]![0] as string).error
}

function connectionRefused(address: string): Error {
  return Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED', syscall: 'connect' })
}

describe('errors in log lines', () => {
  it('keep their code and cause (fetch failed → the socket error)', () => {
    const error = loggedError(logger => logger.error('resolve-user hook failed', { error: new TypeError('fetch failed', { cause: connectionRefused('10.0.0.5:443') }) }))
    expect(error).toEqual({ name: 'TypeError', message: 'fetch failed', cause: { name: 'Error', message: 'connect ECONNREFUSED 10.0.0.5:443', code: 'ECONNREFUSED' } })
  })

  it('keep the errors of an AggregateError (a connection to every address of a host failed) and its code', () => {
    const refused = Object.assign(new AggregateError([connectionRefused('::1:6379'), connectionRefused('127.0.0.1:6379')], ''), { code: 'ECONNREFUSED' })
    const error = loggedError(logger => logger.error('redis connection or subscription failed', { error: refused }))
    expect(error).toMatchObject({ name: 'AggregateError', message: '', code: 'ECONNREFUSED' })
    expect(error.errors).toEqual([
      { name: 'Error', message: 'connect ECONNREFUSED ::1:6379', code: 'ECONNREFUSED' },
      { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:6379', code: 'ECONNREFUSED' },
    ])
  })

  it('redact a cause like the rest of the line, and write no stack', () => {
    const cause = new Error('proxy said: Bearer abcdefghijklmnop0123 refused for redis://u:hunter2@cache:6379')
    const line = JSON.stringify(loggedError(logger => logger.error('job failed on an unexpected error', { error: new Error('outer', { cause }) })))
    expect(line).not.toMatch(/abcdefghijklmnop0123|hunter2/)
    expect(line).toContain('[redacted]')
    expect(line).not.toContain('stack')
    expect(line).not.toContain('at ')
  })
})
