/**
 * Seeded resume fuzzing (tests/support/resume-fuzz.ts): whatever a tab's position and whenever it
 * comes and goes — across a takeover — it ends with exactly the server's final state, and never
 * sees a gap, a duplicate or a text offset that goes back or skips.
 */
import { describe, expect, it } from 'vitest'
import { runResumeFuzz } from '../support/resume-fuzz'

const SEEDS = Array.from({ length: 300 }, (_, index) => index + 1)

describe('resume fuzzing', () => {
  it('every tab ends with the server\'s state, without gap or duplicate', async () => {
    const failures: string[] = []
    for (const seed of SEEDS) {
      const violations = await runResumeFuzz(seed, 120)
      if (violations.length > 0) failures.push(`seed ${seed}: ${violations.slice(0, 3).join(' | ')}`)
    }
    expect(failures.slice(0, 5)).toEqual([])
  })
})
