/**
 * A web URL with a port and an `@` later in its path is kept whole (log-redaction-url-port), but
 * only under the schemes `http`, `https`, `ws`, `wss`: a package manager's `git+https://` (also
 * `git+http://`, `svn+https://`) URL — a dependency pinned to a tag, quoted in an install or
 * import error — lost its port and path: `git+https://git.example.com:8443/org/repo.git@v1.2.0`
 * was written `git+https://git.example.com:[redacted]@v1.2.0`. Such a URL is read as the web URL
 * after its `+`; its user info's password is still redacted.
 */
import { describe, expect, it } from 'vitest'
import { redact } from '../../server/lib/logger'

describe('a git+https URL with a port and an "@" in its path', () => {
  it('is written whole', () => {
    for (const line of [
      'npm ERR! git+https://git.example.com:8443/org/repo.git@v1.2.0 not found',
      'fetching git+http://git.internal:3000/team/tools@main',
      'svn+https://svn.example.com:8443/repo/trunk@1234',
    ]) expect(redact(line)).toBe(line)
  })

  it('still has the password of its user info redacted', () => {
    expect(redact('git+https://deploy:ghp_secret12@git.example.com/org/repo.git')).toBe('git+https://deploy:[redacted]@git.example.com/org/repo.git')
    expect(redact('git+https://deploy:ghp_secret12@git.example.com:8443/org/repo.git@v1')).not.toContain('ghp_secret12')
    expect(redact('redis+sentinel://first.last:12/ab@host')).not.toContain('12/ab')
  })
})
