import { describe, expect, it } from 'vitest'
import { redact } from '../../server/lib/logger'

// The URL-password pattern takes the rest of a word whole and finds its last `@` in code (linear;
// the earlier pattern backtracked over long runs: `bench`-free measure in the commit message). What
// it redacts must not change: these pin it.
describe('log redaction of URL passwords', () => {
  it.each([
    ['redis://user:pa55@host:6379/0', 'redis://user:[redacted]@host:6379/0'],
    ['redis://:p@ss@host', 'redis://:[redacted]@host'],
    ['see foo.http://u:p@h and https://h.example:8443/u/bob@x.com', 'see foo.http://u:[redacted]@h and https://h.example:8443/u/bob@x.com'],
    ['ahttps://u:p@h', 'ahttps://u:[redacted]@h'],
    ['http://a:b@h/x?u=redis://c:d@e', 'http://a:[redacted]@e'],
    ['two: http://a:b@h and redis://c:d@e', 'two: http://a:[redacted]@h and redis://c:[redacted]@e'],
    ['no user info http://host:80 here', 'no user info http://host:80 here'],
    ['http://a:b no at sign', 'http://a:b no at sign'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected)
  })

  it('keeps long runs that only look like schemes as they are', () => {
    const runs = ['a.'.repeat(20_000), 'a-'.repeat(20_000), 'a://'.repeat(10_000)]
    for (const run of runs) expect(redact(run)).toBe(run)
  })
})
