/**
 * A secret quoted inside an error's text as an object's key and value — JSON (`{"client_secret":
 * "…"}`: an OAuth or API endpoint's error quoting the body it was sent; a config a hook stringified
 * into its message) or Node's inspect (`{ password: '…' }`) — was written to the log as it was:
 * only fields of the line named like a secret, header lines (`Authorization:`, `Cookie:`) and
 * credentials of a known shape were redacted, and `"client_secret":"9f2c…"` is none of those. The
 * value of such a key is redacted now, wherever the text is (a log line, a tool's error for the
 * model, an upstream error's excerpt: redactText); numbers, `null` and objects after such a key
 * (`"max_tokens":1000`, `"tokens":{…}`) are kept.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createConsoleLogger, redact } from '../../server/lib/logger'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('a secret-named key and its value quoted in a text', () => {
  it.each([
    ['token endpoint answered 401: {"grant_type":"client_credentials","client_secret":"9f2c1e7a5b","client_id":"app-1"}', 'token endpoint answered 401: {"grant_type":"client_credentials","client_secret":"[redacted]","client_id":"app-1"}'],
    ['{"api_key": "d41d8cd98f00b204", "q": "weather"}', '{"api_key": "[redacted]", "q": "weather"}'],
    ['{"headers":{"X-Api-Key":"abc123xyz"}}', '{"headers":{"X-Api-Key":"[redacted]"}}'],
    ['options: { host: \'db\', password: \'hunter2!\', port: 5432 }', 'options: { host: \'db\', password: \'[redacted]\', port: 5432 }'],
    ['{"refresh_token":"1//0gLx-a\\"b","note":"it\'s fine"}', '{"refresh_token":"[redacted]","note":"it\'s fine"}'],
    ['{ "passphrase" => "open sesame" }', '{ "passphrase" => "[redacted]" }'],
  ])('%s', (text, expected) => {
    expect(redact(text)).toBe(expected)
  })

  it('keeps other values, and the values of other keys', () => {
    for (const text of [
      '{"usage":{"prompt_tokens":12,"completion_tokens":3},"max_tokens":1000,"token":null}',
      '{"model":"openai/gpt-4o-mini","finish_reason":"stop"}',
      'the password is wrong: try again',
      'a "secret" garden',
    ]) expect(redact(text)).toBe(text)
  })

  it('is redacted in a log line\'s message and in its fields\' texts', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    createConsoleLogger().warn('tool "crm" failed; the model got the error as its result', { tool: 'crm', error: new Error('400 from auth: {"client_secret":"s3cr3t-value","error":"invalid_client"}') })
    const line = warn.mock.calls[0]![0] as string
    expect(line).not.toContain('s3cr3t-value')
    expect(JSON.parse(line).error.message).toBe('400 from auth: {"client_secret":"[redacted]","error":"invalid_client"}')
  })

  it('keeps long runs that only look like such pairs as they are (the pattern stays linear)', () => {
    const runs = ['"password'.repeat(20_000), 'password: '.repeat(20_000), `token:"${'a'.repeat(100_000)}`, 'a'.repeat(40) + 'secret'.repeat(20_000)]
    for (const run of runs) expect(redact(run)).toBe(run)
  })
})
