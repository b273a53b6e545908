/**
 * A promise that settles in a later check phase of the event loop: after the I/O callbacks that
 * are ready now have run. The engine ends a job's bookkeeping there, so a burst of jobs ending
 * together does not hold back the last text other streams have already received.
 *
 * Waiters settle one per event-loop turn, in order: between two of them the loop polls for I/O
 * again, so text that arrives while a thousand jobs end goes out before their bookkeeping does
 * (one job's end costs about as much as a few hundred pieces of text).
 *
 * It uses `setImmediate` as it was when this module loaded: a yield, not a delay, so a test's fake
 * timers (installed later) do not stop it, and nothing is left to clear when the engine stops.
 */
const immediate = globalThis.setImmediate

/** Waiters not settled yet, oldest first (`head`: the next to settle). */
let waiting: Array<() => void> = []
let head = 0
let scheduled = false

function settleOne(): void {
  const resolve = waiting[head]!
  waiting[head++] = noop
  if (head === waiting.length) {
    waiting = []
    head = 0
    scheduled = false
  }
  // Set in this check phase, the next runs in the next turn (after the next I/O poll).
  else immediate(settleOne)
  resolve()
}

function noop(): void {}

/** Resolves in a later turn, once the I/O callbacks ready now (and the waiters before it) have run. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve)
    if (scheduled) return
    scheduled = true
    immediate(settleOne)
  })
}
