/**
 * A request's headers dumped into an error's text (`X-Api-Key: 3f9a…`, `X-Auth-Token: …`,
 * GitLab's `Private-Token: …`) or a YAML-like config line (`db_password: hunter2`) went to the log
 * as they were: only `Authorization`/`Cookie` headers, quoted pairs and `name=value` were redacted.
 * Such a value is redacted now; prose, numbers of a usage dump and stack frames are kept.
 */
import { describe, expect, it } from 'vitest'
import { redact } from '../../server/lib/logger'

describe('a secret-named header or field written as `name: value`', () => {
  it.each([
    ['upstream 401, request headers: X-Api-Key: 3f9a0c7e55d14b2a accept: */*', 'upstream 401, request headers: X-Api-Key: [redacted] accept: */*'],
    ['x-auth-token: abc.def-123\nnext', 'x-auth-token: [redacted]\nnext'],
    ['Private-Token: glp4t0k3nv4lue', 'Private-Token: [redacted]'],
    ['config: { db_password: hunter2, host: db }', 'config: { db_password: [redacted], host: db }'],
    ['wrong password: hunter2', 'wrong password: [redacted]'],
    ['X-Goog-Api-Key:\tAIzaNotQuiteTheShape', 'X-Goog-Api-Key:\t[redacted]'],
  ])('%s', (text, expected) => {
    expect(redact(text)).toBe(expected)
  })

  it('keeps prose, numbers, flags and stack frames', () => {
    for (const text of [
      'token: expired',
      'the secret-santa list',
      'usage max_tokens: 1000, prompt_tokens: 12.5',
      'refresh-token: null',
      'use_api_key: true',
      'at getToken (file:///app/auth-token.mjs:10:5)',
      'Authorization: [redacted]',
    ]) expect(redact(text)).toBe(text)
  })

  it('keeps long runs that only look like such lines as they are (the pattern stays linear)', () => {
    for (const run of ['a'.repeat(50) + 'token'.repeat(20_000), 'api-key: '.repeat(20_000).trim().replace(/ /g, '')]) expect(redact(run)).toBe(run)
  })
})
