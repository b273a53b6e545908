/**
 * A small seeded PRNG (mulberry32) for deterministic fuzz tests: the same seed gives the same run.
 */

/** A seeded random source. */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  /** True with probability `p`. */
  chance(p: number): boolean
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T
  /** A key chosen by weight. */
  weighted<K extends string>(weights: Record<K, number>): K
}

/** Creates a PRNG from a 32-bit seed. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: p => next() < p,
    pick: items => items[Math.floor(next() * items.length)]!,
    weighted(weights) {
      const entries = Object.entries(weights) as Array<[keyof typeof weights, number]>
      let roll = next() * entries.reduce((sum, [, weight]) => sum + weight, 0)
      for (const [key, weight] of entries) {
        roll -= weight
        if (roll < 0) return key
      }
      return entries.at(-1)![0]
    },
  }
  return random
}

/** Text pieces with emoji (two UTF-16 units), a lone ASCII letter and multi-byte characters. */
const PIECES = ['a', 'bc', 'déf', '😀', ' ', 'xyz ', '中文', '\n', '🎉🎉', 'q']

/** A random short text. */
export function randomText(random: Random): string {
  let text = ''
  for (let index = random.int(1, 4); index > 0; index--) text += random.pick(PIECES)
  return text
}
