/**
 * The logger redacted a whole string before cutting it to `MAX_LOG_STRING_BYTES`: a 10 MB error
 * message (a proxy's page, a dump) ran every redaction pattern over all 10 MB — about 260 ms of
 * the event loop per line — to write its first 8 KB. It now reads only the start of a long string
 * (the kept part and a margin past it), redacts that, then cuts: the work is bounded, the line the
 * same. A secret that straddles the cut is still redacted whole — a URL's password whose `@host`
 * comes only after the part read, a key whose start the cut would keep.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LOG_REDACTION_MARGIN, MAX_LOG_STRING_BYTES } from '../../server/lib/log-cut'
import { createConsoleLogger } from '../../server/lib/logger'

afterEach(() => {
  vi.restoreAllMocks()
})

const bytes = (text: string) => Buffer.byteLength(text, 'utf8')
const MARKER = /… \[(\d+) more bytes cut\]$/
const TEN_MB = 10 * 1024 * 1024

/** The `error.message` of the one line logging `message` as an error's message. */
function loggedMessage(message: string): string {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  createConsoleLogger().error('upstream failed', { jobId: 'job-1', error: new Error(message) })
  expect(error).toHaveBeenCalledTimes(1)
  const line = error.mock.calls[0]![0] as string
  error.mockRestore()
  return JSON.parse(line).error.message as string
}

describe('a long string in a log line is cut before it is redacted', () => {
  it('redacts only the start of a 10 MB message: the characters the patterns read are bounded', () => {
    const huge = `proxy answered: ${'<p>error page</p>\n'.repeat(Math.ceil(TEN_MB / 18))}`
    const replace = String.prototype.replace
    let read = 0
    vi.spyOn(String.prototype, 'replace').mockImplementation(function (this: string, ...parameters: Parameters<string['replace']>) {
      read += this.length
      return replace.apply(this, parameters as never)
    })
    const message = loggedMessage(huge)
    vi.restoreAllMocks()
    // Each pattern reads the kept part and the margin (a few passes over ~10 KB), not 10 MB.
    expect(read).toBeLessThan(20 * (MAX_LOG_STRING_BYTES + LOG_REDACTION_MARGIN))
    expect(message.startsWith('proxy answered: <p>error page</p>')).toBe(true)
    // The marker counts the bytes cut from the whole message, not from the part read.
    expect(Number(MARKER.exec(message)?.[1])).toBe(bytes(huge) - MAX_LOG_STRING_BYTES)
    expect(bytes(message.replace(MARKER, ''))).toBe(MAX_LOG_STRING_BYTES)
  })

  it('a URL password that starts before the cut and ends past the part read is not shown in part', () => {
    for (const password of ['p'.repeat(LOG_REDACTION_MARGIN * 2), `pp@${'p'.repeat(LOG_REDACTION_MARGIN * 2)}`]) {
      const text = `${'x'.repeat(MAX_LOG_STRING_BYTES - 30)} redis://default:${password}@cache.internal:6379 ${'y'.repeat(100_000)}`
      const message = loggedMessage(text)
      expect(message).toContain('redis://default:[redacted]')
      expect(message).not.toContain('ppp')
      expect(message).toMatch(MARKER)
    }
  })

  it('a key at the edge of the part read is redacted once an earlier secret\'s redaction brings it into view', () => {
    // The bearer token is most of the part read: redacted, it shrinks to 10 characters, so what
    // came after it — up to the edge of the part read, where a key is cut in two — is within the bound.
    const head = `Authorization: Bearer ${'t'.repeat(MAX_LOG_STRING_BYTES + LOG_REDACTION_MARGIN - 200)} then `
    const text = `${head}${' '.repeat(200 - ' then '.length - 'Authorization: Bearer '.length - 5)}sk-live-${'k'.repeat(40)} ${'z'.repeat(100_000)}`
    const message = loggedMessage(text)
    expect(message).not.toContain('ttt')
    expect(message).not.toMatch(/sk-l/)
    expect(message).toContain('[redacted]')
  })

  it('a string within the bound is redacted and kept whole, as before', () => {
    const text = `${'€'.repeat(2_000)} redis://u:hunter2@cache:6379`
    expect(loggedMessage(text)).toBe(`${'€'.repeat(2_000)} redis://u:[redacted]@cache:6379`)
  })
})
