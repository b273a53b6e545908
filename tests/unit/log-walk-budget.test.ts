/**
 * A log line is bounded (`MAX_LOG_LINE_BYTES`), but the logger redacted all of a field before it
 * cut it: a hook that threw a whole JSON answer of 200,000 rows (`throw await response.json()`)
 * ran the redaction over every row — about 4 s of the event loop for one line — to write its
 * first 8,000 bytes. Each of a line's fields is now read only until what was read is surely past
 * the bound (`LOG_FIELD_READ_CHARS`); the rest is counted, not read. The line is what it was: the
 * field cut to its first bytes, redacted, and the line's own small fields after it kept.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LOG_FIELD_READ_CHARS, MAX_LOG_LINE_BYTES, MAX_LOG_STRING_BYTES } from '../../server/lib/log-cut'
import { createConsoleLogger } from '../../server/lib/logger'

afterEach(() => {
  vi.restoreAllMocks()
})

const ROWS = 200_000

describe('a field with many items', () => {
  it('is read only as far as the line can show, redacted, with the fields after it kept', () => {
    const answer = { status: 500, rows: Array.from({ length: ROWS }, (_, id) => ({ id, name: `row ${id} see redis://u:hunter2@cache:6379` })) }
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const replace = String.prototype.replace
    let strings = 0
    vi.spyOn(String.prototype, 'replace').mockImplementation(function (this: string, ...parameters: Parameters<string['replace']>) {
      strings++
      return replace.apply(this, parameters as never)
    })
    createConsoleLogger().error('hook background-jobs:job-ended failed', { error: answer, jobId: 'job-1', hook: 'jobEnded' })
    const calls = strings
    vi.mocked(String.prototype.replace).mockRestore()
    // A few replace passes per string read; the strings read are bounded by what the line can show, not by the rows.
    expect(calls).toBeLessThan(20 * (LOG_FIELD_READ_CHARS / 30))
    const line = error.mock.calls[0]![0] as string
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES)
    expect(line).not.toContain('hunter2')
    const parsed = JSON.parse(line)
    expect(parsed).toMatchObject({ level: 'error', message: 'hook background-jobs:job-ended failed', jobId: 'job-1', hook: 'jobEnded' })
    expect(parsed.error.startsWith('{"status":500,"rows":[{"id":0,"name":"row 0 see redis://u:[redacted]@cache:6379"}')).toBe(true)
    expect(parsed.error).toMatch(/… \[\d+ more bytes cut\]$/)
    expect(Buffer.byteLength(parsed.error)).toBeLessThan(MAX_LOG_STRING_BYTES + 60)
  })

  it('a field within the bound is read whole', () => {
    const rows = Array.from({ length: 50 }, (_, id) => `row ${id}`)
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    createConsoleLogger().error('failed', { rows, jobId: 'job-1' })
    expect(JSON.parse(error.mock.calls[0]![0] as string)).toMatchObject({ rows, jobId: 'job-1' })
  })
})
