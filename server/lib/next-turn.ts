/**
 * A promise that settles in the event loop's next check phase: after the I/O callbacks that are
 * ready now have run. The engine ends a job's bookkeeping there, so a burst of jobs ending
 * together does not hold back the last text other streams have already received.
 *
 * It uses `setImmediate` as it was when this module loaded: a yield, not a delay, so a test's fake
 * timers (installed later) do not stop it, and nothing is left to clear when the engine stops.
 */
const immediate = globalThis.setImmediate

/** Resolves once the I/O callbacks ready now have run. */
export function nextTurn(): Promise<void> {
  return new Promise(resolve => immediate(() => resolve()))
}
