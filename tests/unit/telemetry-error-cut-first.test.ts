/**
 * With `telemetry.recordContent`, an error's text on a span is redacted, then cut to
 * `telemetry.maxContentChars` (4,096 by default) — the redaction read all of it: a tool's 10 MB
 * error (a page its upstream answered) ran every pattern over 10 MB, on the event loop, to keep 4 KB.
 * Only the start is read now (the kept characters and a margin), as for a log line (log-cut.ts); a
 * secret that straddles the cut is still redacted whole.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LOG_REDACTION_MARGIN } from '../../server/lib/log-cut'
import { errorContentValue } from '../../server/lib/telemetry/content'

afterEach(() => {
  vi.restoreAllMocks()
})

const settings = { enabled: true, recordUserId: false, recordContent: true, maxContentChars: 4_096 }

/** The characters the redaction's replace calls read while `run` runs. */
function charactersRead(run: () => unknown): number {
  const replace = String.prototype.replace
  let read = 0
  vi.spyOn(String.prototype, 'replace').mockImplementation(function (this: string, ...parameters: Parameters<string['replace']>) {
    read += this.length
    return replace.apply(this, parameters as never)
  })
  run()
  vi.mocked(String.prototype.replace).mockRestore()
  return read
}

describe('an error\'s text on a span', () => {
  it('reads only the start of a 10 MB message', () => {
    const message = `upstream answered: ${'<p>error page</p>\n'.repeat(600_000)}`
    let content: string | undefined
    const read = charactersRead(() => {
      content = errorContentValue(settings, new Error(message))
    })
    expect(read).toBeLessThan(20 * (settings.maxContentChars + LOG_REDACTION_MARGIN))
    expect(content!.startsWith('{"name":"Error","message":"upstream answered: <p>error page</p>')).toBe(true)
    expect(content!.endsWith('…')).toBe(true)
    expect(content!.length).toBeLessThanOrEqual(settings.maxContentChars + 1)
  })

  it('redacts a password the cut would split, whole', () => {
    const message = `${'x'.repeat(settings.maxContentChars - 60)} redis://app:${'p'.repeat(LOG_REDACTION_MARGIN * 2)}@cache:6379 ${'y'.repeat(100_000)}`
    const content = errorContentValue(settings, message)!
    expect(content).toContain('redis://app:[redacted]')
    expect(content).not.toContain('ppp')
  })

  it('a short message is redacted and kept whole', () => {
    expect(errorContentValue(settings, 'failed: postgres://app:hunter2@db/x')).toBe('failed: postgres://app:[redacted]@db/x')
  })
})
