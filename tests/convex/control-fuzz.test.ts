/**
 * Seeded cluster fuzzing of controls (control-fuzz.ts): answers (valid, again, wrong-shaped, to
 * voided questions) and aborts sent to random instances while owners are paused or killed. A
 * failure names its seed; replay it alone with `FUZZ_SEED=<seed>` (FUZZ_DEBUG=1 prints every control
 * and its outcome); FUZZ_SEEDS, FUZZ_FIRST_SEED and FUZZ_STEPS run more (seeds 1–250 of 100
 * steps and 1–40 of 200 passed when this was written).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runControlFuzz } from './control-fuzz'

const SEED_COUNT = Number(process.env.FUZZ_SEEDS) || 1
const STEPS = Number(process.env.FUZZ_STEPS) || 100
/**
 * Seeds (of 100 steps) that fail when a fix this fuzz led to is taken out: 6 (a store that stopped
 * answering made the same answer again a 409), 11 (a user's other answer, met again at a takeover,
 * was told ok), 15 (and 11: another answer was told "stored" once the job ended before the owner's
 * reply), 15 and 22 (the same answer again, after a takeover gave it to the question asked again,
 * was a 409), 197 (the same answer again, sent to a lost owner whose store was down, was refused by
 * its stale run), 179 (an abort sent there was answered 200 while the job went on).
 */
const KEY_SEEDS = [6, 11, 15, 22, 179, 197]
const runs = process.env.FUZZ_SEED
  ? [{ seed: Number(process.env.FUZZ_SEED), steps: STEPS }]
  : [...Array.from({ length: SEED_COUNT }, (_, index) => ({ seed: (Number(process.env.FUZZ_FIRST_SEED) || 1) + index, steps: STEPS })), ...(process.env.FUZZ_SEEDS ? [] : KEY_SEEDS.map(seed => ({ seed, steps: 100 })))]

describe('control fuzz', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each(runs)('seed $seed ($steps steps): every answer and abort agrees with the log', async ({ seed, steps }) => {
    const violations = await runControlFuzz(seed, steps)
    expect(violations, `seed ${seed}`).toEqual([])
  })
})
