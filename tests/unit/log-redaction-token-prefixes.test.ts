/**
 * The logger redacted an API key by one prefix only (`sk-…`: OpenAI, OpenRouter, Anthropic). The
 * other credentials an app's tools, hooks and drivers hold were written as they were when an
 * error quoted them outside a named field or a URL's query: a GitHub token (often the user name of
 * a clone URL, `https://ghp_…@github.com/…`), a GitLab or npm token, a Slack bot token, a Stripe
 * secret key, a Google API key, a Hugging Face token, a JWT (a session or an ID token). Each is
 * redacted now by its documented shape, where it starts a word; words that merely begin alike stay.
 */
import { describe, expect, it } from 'vitest'
import { redact } from '../../server/lib/logger'

const A36 = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'

describe('credentials by their documented shape', () => {
  it.each([
    `git clone https://ghp_${A36}@github.com/org/repo.git failed`,
    `token gho_${A36} expired`,
    `GITHUB_TOKEN=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV`,
    'glpat-xYz12AbC34dEf56GhI78 was revoked',
    `//registry.npmjs.org/:_authToken npm_${A36}`,
    'slack said invalid_auth for xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    'Stripe: No such customer (sk_live_51H8xYzAbCdEfGhIjKlMnOpQr)',
    'rk_test_51H8xYzAbCdEfGhIjKlMnOpQr used in live mode',
    'Google answered 403 for AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
    'hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh is not allowed to access this model',
    'jwt malformed: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  ])('%s', (text) => {
    const redacted = redact(text) as string
    expect(redacted).toContain('[redacted]')
    expect(redacted).not.toMatch(/ghp_a1|gho_a1|github_pat_1|glpat-x|npm_a1|xoxb-1|sk_live_5|rk_test_5|AIzaSy|hf_AbC|eyJhbGci|SflKx/)
  })

  it('keeps words that begin alike', () => {
    for (const text of ['the ghp_ prefix', 'hf_model_name', 'npm_config_cache', 'xoxo-gossip-girl-fan-club', 'sk_live is a setting', 'AIza', 'eyJ is base64 for {"', 'tool "stripe_refund" failed', 'node "hf_download-weights"']) expect(redact(text)).toBe(text)
  })
})
