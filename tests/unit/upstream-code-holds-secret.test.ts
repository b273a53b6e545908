/**
 * `holdsSecret` screens an endpoint's name for a failure (`error.code`, `error.type`) for the
 * configured secrets before the job's error keeps it as `upstreamCode`. The name is the upstream's,
 * of any length (an error chunk's code is bounded only by the 16 MiB line): it was searched for in
 * each secret from each of its starts, work of its length times the secrets' — a 16 MiB code
 * against a 2 KB bearer token the upstream-request hook sends took 12 s of the event loop per field.
 * It is read in one pass now (secret-runs.ts), with the same answers.
 */
import { describe, expect, it } from 'vitest'
import * as secretRuns from '../../server/lib/model/secret-runs'
import * as echoedSecrets from '../../server/lib/model/echoed-secrets'
import { countLookups } from '../support/counted-lookups'

// Before the fix it lived in echoed-secrets.ts: the tests read it from either, so they fail on
// their assertions, not on an import.
type HoldsSecret = (name: string, secrets: string | readonly string[]) => boolean
const holdsSecret = ((secretRuns as Record<string, unknown>).holdsSecret ?? (echoedSecrets as Record<string, unknown>).holdsSecret) as HoldsSecret

const KEY = '3f9a0c7e5b2d4a1f8e6c9b0a7d5e3f21'
/** A bearer token of 2 KB, as an app's hook may send in a secret header (headerSecrets). */
const TOKEN = `eyJhbGciOiJSUzI1NiJ9.${Array.from({ length: 2048 }, (_, index) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[(index * 7919) % 64]).join('')}`
const SECRETS = [KEY, 'none', TOKEN]

describe('holdsSecret', () => {
  it('finds a secret whole or 8 of its characters, in any case; a short one only as the whole name', () => {
    expect(holdsSecret(KEY.toUpperCase(), SECRETS)).toBe(true)
    expect(holdsSecret(`invalid_key_${KEY.slice(10, 18)}`, SECRETS)).toBe(true)
    expect(holdsSecret(`bad_${TOKEN.slice(900, 908).toLowerCase()}_x`, SECRETS)).toBe(true)
    expect(holdsSecret('none', SECRETS)).toBe(true)
    expect(holdsSecret('none_found', SECRETS)).toBe(false)
    expect(holdsSecret(`invalid_key_${KEY.slice(10, 17)}`, SECRETS)).toBe(false)
    expect(holdsSecret('context_length_exceeded', SECRETS)).toBe(false)
  })

  it('reads a megabyte of code once: its length in lookups and searched characters, whatever the secrets\' length', () => {
    // One character of the token, over and over (every window holds only characters secrets have), then a part of the key.
    const code = `${'a'.repeat(1_048_576)}${KEY.slice(4, 12)}`
    const { result: held, lookups, searched } = countLookups(() => holdsSecret(code, SECRETS))
    expect(held).toBe(true)
    // One lookup per window and one read of the code for its case (secret-runs.ts foldCase).
    expect(lookups + searched).toBeLessThanOrEqual(3 * code.length)
  })
})
