/**
 * One string in a log line is at most `MAX_LOG_STRING_BYTES` UTF-8 bytes: a hook's, a driver's or
 * a proxy's megabyte message made a megabyte line, which log shippers cut or drop. The cut comes
 * after redaction, lands on a character boundary and says how much it cut.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { callAppHook } from '../../server/lib/app-hook'
import { MAX_LOG_STRING_BYTES } from '../../server/lib/log-cut'
import { createConsoleLogger } from '../../server/lib/logger'
import { createTimerSet } from '../../server/lib/timers'

afterEach(() => {
  vi.restoreAllMocks()
})

/** The lines `log` writes with `console.error`. */
async function errorLines(log: (logger: ReturnType<typeof createConsoleLogger>) => unknown): Promise<string[]> {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  await log(createConsoleLogger())
  return error.mock.calls.map(call => call[0] as string)
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8')
const MARKER = /… \[(\d+) more bytes cut\]$/

describe('the bound on a string in a log line', () => {
  it('cuts a hook\'s megabyte error message, saying how much was cut', async () => {
    const huge = `upstream said: ${'<div>page</div>'.repeat(70_000)}`
    const lines = await errorLines(logger => callAppHook('jobCreated', () => {
      throw new Error(huge)
    }, { logger, timers: createTimerSet(), jobId: 'job-1' }))
    expect(lines).toHaveLength(1)
    expect(bytes(lines[0]!)).toBeLessThan(MAX_LOG_STRING_BYTES + 500)
    const { message, jobId, error } = JSON.parse(lines[0]!)
    expect({ message, jobId }).toEqual({ message: 'hook background-jobs:job-created failed', jobId: 'job-1' })
    expect(error.message.startsWith('upstream said: <div>page</div>')).toBe(true)
    const cut = Number(MARKER.exec(error.message)?.[1])
    expect(bytes(error.message.replace(MARKER, ''))).toBe(MAX_LOG_STRING_BYTES)
    expect(cut).toBe(bytes(huge) - MAX_LOG_STRING_BYTES)
  })

  it('cuts every string field: a driver error\'s message and cause, a field, the message itself', async () => {
    const long = 'x'.repeat(300_000)
    const [line] = await errorLines(logger => logger.error(`convex client: ${long}`, { details: [long], error: new Error(long, { cause: new Error(long) }) }))
    expect(bytes(line!)).toBeLessThan(4 * MAX_LOG_STRING_BYTES + 1000)
    const parsed = JSON.parse(line!)
    for (const text of [parsed.message, parsed.details[0], parsed.error.message, parsed.error.cause.message]) expect(text).toMatch(MARKER)
  })

  it('cuts on a character boundary (multi-byte characters, emoji)', async () => {
    for (const unit of ['€', '😀', 'é', 'a😀']) {
      const [line] = await errorLines(logger => logger.error('failed', { detail: unit.repeat(20_000) }))
      const detail = JSON.parse(line!).detail as string
      const kept = detail.replace(MARKER, '')
      expect(kept).not.toContain('\uFFFD')
      expect(kept).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
      expect(bytes(kept)).toBeLessThanOrEqual(MAX_LOG_STRING_BYTES)
      expect(bytes(kept)).toBeGreaterThan(MAX_LOG_STRING_BYTES - 4)
    }
  })

  it('redacts before it cuts: a URL password the cut would split is not left half visible', async () => {
    const text = `${'x'.repeat(MAX_LOG_STRING_BYTES - 20)} redis://u:${'p'.repeat(200)}@cache:6379`
    const [line] = await errorLines(logger => logger.error('redis connection or subscription failed', { error: new Error(text) }))
    expect(line).not.toContain('ppp')
    expect(JSON.parse(line!).error.message).toContain('redis://u:[red')
  })

  it('leaves a string within the bound as it was', async () => {
    const text = '€'.repeat(MAX_LOG_STRING_BYTES / 3)
    const [line] = await errorLines(logger => logger.error('failed', { detail: text }))
    expect(JSON.parse(line!).detail).toBe(text)
  })
})
