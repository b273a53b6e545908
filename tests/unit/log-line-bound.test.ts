/**
 * A log line is bounded even when each string in it is short: a hook that throws a whole JSON
 * answer (`throw await response.json()`) or a list of 100,000 items wrote a megabyte line. Past
 * `MAX_LOG_LINE_BYTES`, a field whose JSON is over `MAX_LOG_STRING_BYTES` is written as that JSON,
 * cut; the line's small fields stay as they are.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { callAppHook } from '../../server/lib/app-hook'
import { MAX_LOG_LINE_BYTES, MAX_LOG_STRING_BYTES } from '../../server/lib/log-cut'
import { createConsoleLogger } from '../../server/lib/logger'
import { createTimerSet } from '../../server/lib/timers'

afterEach(() => {
  vi.restoreAllMocks()
})

const bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/** The one line `log` writes with `console.error`. */
async function errorLine(log: (logger: ReturnType<typeof createConsoleLogger>) => unknown): Promise<string> {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  await log(createConsoleLogger())
  expect(error).toHaveBeenCalledTimes(1)
  return error.mock.calls[0]![0] as string
}

describe('the bound on a log line', () => {
  it('cuts a hook\'s thrown JSON answer with 100,000 short items, keeping the line\'s own fields', async () => {
    const answer = { status: 500, body: { rows: Array.from({ length: 100_000 }, (_, id) => ({ id, name: 'row' })) } }
    const line = await errorLine(logger => callAppHook('jobEnded', () => {
      throw answer
    }, { logger, timers: createTimerSet(), jobId: 'job-1' }))
    expect(bytes(line)).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES)
    const parsed = JSON.parse(line)
    expect(parsed).toMatchObject({ level: 'error', scope: 'background-jobs', message: 'hook background-jobs:job-ended failed', jobId: 'job-1' })
    expect(parsed.error.startsWith('{"status":500,"body":{"rows":[{"id":0,"name":"row"}')).toBe(true)
    expect(parsed.error).toMatch(/… \[\d+ more bytes cut\]$/)
    expect(bytes(parsed.error)).toBeLessThan(MAX_LOG_STRING_BYTES + 40)
  })

  it('redacts inside the field it cuts', async () => {
    const answer = { token: 'tok-secret-1', rows: Array.from({ length: 20_000 }, () => 'see redis://u:hunter2@cache:6379') }
    const line = await errorLine(logger => logger.error('hook failed', { error: answer }))
    expect(bytes(line)).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES)
    expect(line).not.toMatch(/tok-secret-1|hunter2/)
    expect(line).toContain('[redacted]')
  })

  it('leaves a line within the bound structured, even with several long strings', async () => {
    const long = 'x'.repeat(20_000)
    const line = await errorLine(logger => logger.error('failed', { jobId: 'job-1', error: new Error(long, { cause: new Error(long) }) }))
    const parsed = JSON.parse(line)
    expect(parsed.error.name).toBe('Error')
    expect(parsed.error.cause.name).toBe('Error')
    expect(parsed.jobId).toBe('job-1')
  })
})
