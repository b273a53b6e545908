/**
 * Fails a unit test file that leaves something running: a server, a socket, a ref'd timer, a child
 * process — what `process.getActiveResourcesInfo()` lists (what keeps Node's loop alive). The
 * `unit` project shares workers across files (vitest.config.ts), so such a leftover outlives its
 * file: it keeps firing, holding ports or CPU, in the files after it, where it shows up as their
 * flake. Counts per type are taken before the file and compared after it (vitest's own handles are
 * in both); what is closing as the file ends gets a few turns of the loop to go.
 *
 * In `unit`, registered before file-reset.ts, so its `afterAll` runs last: after the file's own
 * and after real timers are back. It waits with node:timers/promises, which fake timers leave alone
 * (`unit-convex` has no file-reset).
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, expect } from 'vitest'

/**
 * How long what is closing at the end of a file gets to go (a socket's close takes a turn or two; a
 * child's pipes after its exit, a Redis client's quit or a worker's terminate can take far longer
 * on a loaded CI machine). Only a file that left something waits for it.
 */
export const SETTLE_MS = 3_000
/** Pause between looks while something is still closing. */
const POLL_MS = 10
/** Turns of the loop before the first look (most closes are done by then, no wait at all). */
const SETTLE_TURNS = 3

/** How many of each type of resource keep the loop alive now. */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>()
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1)
  return counts
}

/** What there is more of now than in `before`, as `Type ×n`. */
export function resourcesAdded(before: Map<string, number>, now = activeResources()): string[] {
  return [...now].filter(([type, count]) => count > (before.get(type) ?? 0)).map(([type, count]) => `${type} ×${count - (before.get(type) ?? 0)}`)
}

/** Waits (at most `settleMs`) for the resources added since `before` to be gone; returns those still there. */
export async function resourcesLeft(before: Map<string, number>, settleMs = SETTLE_MS): Promise<string[]> {
  for (let turn = 0; turn < SETTLE_TURNS; turn++) await nextTurn()
  // Counted in polls, not read from a clock: a file that left fake timers on (`unit-convex` has no
  // file-reset) may have faked `performance` and `Date`, and the wait would never end.
  let left = resourcesAdded(before)
  for (let polls = Math.ceil(settleMs / POLL_MS); left.length > 0 && polls > 0; polls--) {
    await sleep(POLL_MS)
    left = resourcesAdded(before)
  }
  return left
}

let before = new Map<string, number>()

beforeAll(() => {
  before = activeResources()
})

afterAll(async () => {
  const left = await resourcesLeft(before)
  if (left.length > 0) throw new Error(`${expect.getState().testPath ?? 'This file'} left running after its tests: ${left.join(', ')} (process.getActiveResourcesInfo()). Close its servers, sockets, timers and child processes in afterEach/afterAll.`)
})
