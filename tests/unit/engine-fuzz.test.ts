/**
 * Deterministic fuzzing of the engine's invariants (tests/support/engine-fuzz.ts): a fixed set of
 * seeds, each a random interleaving of jobs, viewers, aborts, answers, store faults, time and
 * shutdown on fake timers. A failure names its seed; replay it alone with
 * `FUZZ_SEED=<seed> npx vitest run tests/unit/engine-fuzz.test.ts` (FUZZ_STEPS sets the length).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runEngineFuzz } from '../support/engine-fuzz'

const SEED_COUNT = Number(process.env.FUZZ_SEEDS) || 200
/** Seeds that found bugs (the report of each fix names its seed); always run. */
const REGRESSION_SEEDS = [205, 439, 612, 651]
const FIRST_SEED = Number(process.env.FUZZ_FIRST_SEED) || 1
const STEPS = Number(process.env.FUZZ_STEPS) || 200
/** Seeds that found bugs only in longer runs: always run with their length. */
const LONG_REGRESSION_SEEDS = [3591, 4020, 4189]
const LONG_STEPS = 500
const seeds = process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : [...new Set([...Array.from({ length: SEED_COUNT }, (_, index) => FIRST_SEED + index), ...REGRESSION_SEEDS])]
const longSeeds = process.env.FUZZ_SEED ? [] : LONG_REGRESSION_SEEDS.filter(seed => !seeds.includes(seed) || STEPS < LONG_STEPS)

describe('engine fuzz', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each(seeds)('seed %i keeps every invariant', async (seed) => {
    const violations = await runEngineFuzz(seed, STEPS)
    expect(violations, `seed ${seed} (replay: FUZZ_SEED=${seed} npx vitest run tests/unit/engine-fuzz.test.ts)`).toEqual([])
  })

  it.each(longSeeds)(`seed %i keeps every invariant over ${LONG_STEPS} steps`, async (seed) => {
    const violations = await runEngineFuzz(seed, LONG_STEPS)
    expect(violations, `seed ${seed} (replay: FUZZ_SEED=${seed} FUZZ_STEPS=${LONG_STEPS} npx vitest run tests/unit/engine-fuzz.test.ts)`).toEqual([])
  })
})
