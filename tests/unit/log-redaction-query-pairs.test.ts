/**
 * The logger redacts a URL's query parameters named like a secret (`?access_token=`, `&key=`), but
 * its pattern matched every parameter and decided in a callback whether the name was a secret's: a
 * call per `&a=b` pair. A long text of such pairs (a URL with a big query, a form body in an
 * error's message) cost that for each pair — 3.2 MB held the event loop for about 1.8 s. The name
 * is now checked in the pattern, so a parameter that is no secret is never a match: the work is
 * counted here as the pattern's matches (each one a call of `RegExp.prototype.exec`), not timed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { redact } from '../../server/lib/logger'

afterEach(() => {
  vi.restoreAllMocks()
})

/** How many matches the regular expressions made (their `exec` calls that found one) while `run` ran. */
function countMatches(run: () => void): number {
  const exec = RegExp.prototype.exec
  let matches = 0
  vi.spyOn(RegExp.prototype, 'exec').mockImplementation(function (this: RegExp, text: string) {
    const found = exec.call(this, text)
    if (found) matches++
    return found
  })
  run()
  return matches
}

describe('query-parameter redaction on a text of many parameters', () => {
  it('makes no match per parameter that is no secret', () => {
    const pairs = 'https://example.com/search?q=1' + '&a=b'.repeat(20_000)
    let redacted = ''
    const matches = countMatches(() => {
      redacted = redact(pairs) as string
    })
    expect(redacted).toBe(pairs)
    expect(matches).toBeLessThan(10)
  })

  it('still redacts each secret among them', () => {
    const text = '&a=b'.repeat(1_000) + '&access_token=abc123' + '&a=b'.repeat(1_000) + '&KEY=AIzaSy0123'
    let redacted = ''
    const matches = countMatches(() => {
      redacted = redact(text) as string
    })
    expect(redacted).toBe('&a=b'.repeat(1_000) + '&access_token=[redacted]' + '&a=b'.repeat(1_000) + '&KEY=[redacted]')
    expect(matches).toBeLessThan(10)
  })

  it('a secret after a separator inside another parameter\'s value is redacted too', () => {
    expect(redact('GET /cb?next=/home;token=abc123&page=2')).toBe('GET /cb?next=/home;token=[redacted]&page=2')
  })
})
