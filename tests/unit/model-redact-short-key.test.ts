/**
 * The API key is scrubbed from what the upstream sends back (docs/model.md). A local server
 * (Ollama, LM Studio, vLLM) needs some key, and people set a placeholder — `x`, `none`, `EMPTY`.
 * Scrubbed as a plain substring, such a key garbled every error message: with the key `x`, "max
 * context exceeded" read "ma[redacted] conte[redacted]t e[redacted]ceeded". A short key is now
 * scrubbed only where it stands as a token of its own; a key of 8 characters or more, wherever it is.
 */
import { describe, expect, it } from 'vitest'
import { httpErrorFrom, redact } from '../../server/lib/model/upstream-response'

describe('redact: the API key in what the upstream sends back', () => {
  it('leaves the words around a short placeholder key whole, and still scrubs the key standing alone', () => {
    expect(redact('max context exceeded', 'x')).toBe('max context exceeded')
    expect(redact('at least one of the messages', 'none')).toBe('at least one of the messages')
    expect(redact('Incorrect API key provided: none.', 'none')).toBe('Incorrect API key provided: [redacted].')
    expect(redact('key EMPTY is not valid; EMPTYING the cache', 'EMPTY')).toBe('key [redacted] is not valid; EMPTYING the cache')
    // Characters a regular expression would read as its own are taken as they are.
    expect(redact('key a.b* refused, aXb left', 'a.b*')).toBe('key [redacted] refused, aXb left')
  })

  it('scrubs a real key wherever it stands, inside other text too', () => {
    const key = 'sk-or-v1-0123456789abcdef'
    expect(redact(`bad key ${key}; echoed as prefix${key}suffix`, key)).toBe('bad key [redacted]; echoed as prefix[redacted]suffix')
    expect(redact('Authorization: Bearer abc.def', key)).toBe('Authorization: Bearer [redacted]')
  })

  it('an HTTP error of a local server with a placeholder key reads as the server wrote it', async () => {
    const body = JSON.stringify({ error: { message: 'maximum context length exceeded' } })
    const error = await httpErrorFrom({ status: 400, headers: { get: () => null }, text: async () => body }, 'x', new AbortController().signal)
    expect(error.message).toContain('maximum context length exceeded')
    expect(error.message).not.toContain('[redacted]')
  })
})

describe('an HTTP error\'s excerpt (the job\'s error, which its user reads)', () => {
  it('hides a secret other than the configured key that the upstream quotes (another key, a token)', async () => {
    const other = 'sk-proj-AbCdEf0123456789xyz'
    const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${other}. Your team's key ghp_0123456789abcdefABCDEF0123456789abcd is not valid here.` } })
    const error = await httpErrorFrom({ status: 401, headers: { get: () => null }, text: async () => body }, 'sk-configured-key-0000', new AbortController().signal)
    expect(error.message).toContain('Incorrect API key provided: [redacted]')
    expect(error.message).not.toContain(other)
    expect(error.message).not.toContain('ghp_0123')
  })
})
