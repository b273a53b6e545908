/**
 * Seeded cluster fuzzing (cluster-fuzz.ts): three engines on one Convex backend, tabs on the real
 * client follower reaching random instances, owners paused and killed, takeovers, controls sent
 * anywhere. A failure names its seed; replay it alone with `FUZZ_SEED=<seed>`;
 * FUZZ_SEEDS, FUZZ_FIRST_SEED and FUZZ_STEPS run more (seeds 1–200 and 1001–1250 of 150 steps,
 * and 1–100 of 300, passed when this was written).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runClusterFuzz } from './cluster-fuzz'

const SEED_COUNT = Number(process.env.FUZZ_SEEDS) || 6
const STEPS = Number(process.env.FUZZ_STEPS) || 100
const seeds = process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : Array.from({ length: SEED_COUNT }, (_, index) => (Number(process.env.FUZZ_FIRST_SEED) || 1) + index)

describe('cluster fuzz', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each(seeds)('seed %i: every tab ends with the stored state', async (seed) => {
    const violations = await runClusterFuzz(seed, STEPS)
    expect(violations, `seed ${seed}`).toEqual([])
  })
})
