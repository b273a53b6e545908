/**
 * Structured logs never carry secrets: secret-named fields, bearer tokens and API keys anywhere
 * in a line (message, nested fields, errors) are redacted; every line is one JSON object.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createConsoleLogger, redact } from '../../server/lib/logger'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('logger', () => {
  it('redacts secret fields, bearer tokens and sk- keys, at any depth and inside errors', () => {
    const redacted = JSON.stringify(redact({
      apiKey: 'plain-secret',
      headers: { Authorization: 'Bearer abc.def', cookie: 'bgjobs_uid=1' },
      nested: [{ text: 'used key sk-or-v1-0123456789abcdef here' }],
      error: new Error('upstream said Bearer sk-live-1234567890 is bad'),
      jobId: 'job-1',
    }))
    for (const secret of ['plain-secret', 'abc.def', 'bgjobs_uid=1', 'sk-or-v1-0123456789abcdef', 'sk-live-1234567890']) expect(redacted).not.toContain(secret)
    expect(redacted).toContain('job-1')
    // The scheme in any case (the metrics route accepts `bearer` too).
    expect(redact('upstream refused authorization: bearer abcdefghijklmnop0123')).toBe('upstream refused authorization: [redacted]')
  })

  it('cuts off what is nested too deep instead of writing it unredacted (a hook that threw a plain object)', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const thrown = { response: { request: { options: { agent: { proxy: { auth: { password: 'hunter2-deep' } } } } } } }
    createConsoleLogger().error('hook background-jobs:resolve-user failed', { error: thrown })
    const line = error.mock.calls[0]![0] as string
    expect(line).not.toContain('hunter2-deep')
    expect(line).toContain('[nested too deep]')
  })

  it('redacts the password of a URL anywhere in a line (a Redis or proxy URL in an error message), keeping the host', () => {
    const redacted = JSON.stringify(redact({
      message: 'could not reach redis://admin:hunter2-Pw@cache.internal:6379/0: ECONNREFUSED',
      error: new Error('proxy https://:pa/ss@word@proxy.example:8443 refused'),
    }))
    for (const secret of ['hunter2-Pw', 'pa/ss', 'word@proxy']) expect(redacted).not.toContain(secret)
    expect(redacted).toContain('redis://admin:[redacted]@cache.internal:6379/0')
    expect(redacted).toContain('https://:[redacted]@proxy.example:8443')
    expect(redact('see https://example.com/a@b and http://127.0.0.1:3000/')).toBe('see https://example.com/a@b and http://127.0.0.1:3000/')
  })

  it('writes one JSON line per entry, by level, redacted', () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {})
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const logger = createConsoleLogger()
    logger.info('job created', { jobId: 'j1', token: 't0ps3cret' })
    logger.error('call failed with Bearer xyz123', { error: new Error('sk-abcdefghijkl leaked') })
    const infoLine = JSON.parse(info.mock.calls[0]![0] as string)
    expect(infoLine).toEqual({ level: 'info', scope: 'background-jobs', message: 'job created', jobId: 'j1', token: '[redacted]' })
    const errorLine = error.mock.calls[0]![0] as string
    expect(JSON.parse(errorLine).level).toBe('error')
    expect(errorLine).not.toMatch(/xyz123|sk-abcdefghijkl/)
  })
})
