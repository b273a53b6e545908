/**
 * A promise that settles in a later check phase of the event loop: after the I/O callbacks that
 * are ready now have run. The engine ends a job's bookkeeping there, so a burst of jobs ending
 * together does not hold back the last text other streams have already received.
 *
 * Waiters settle in order, at most `WAITERS_PER_TURN` in one turn: between two groups the loop
 * polls for I/O again, so text that arrives while a thousand jobs end goes out before most of
 * their bookkeeping does (one job's end costs about as much as a few hundred pieces of text),
 * and a burst still drains in a few turns per hundred jobs rather than one turn each.
 *
 * It uses `setImmediate` as it was when this module loaded: a yield, not a delay, so a test's fake
 * timers (installed later) do not stop it, and nothing is left to clear when the engine stops.
 */
const immediate = globalThis.setImmediate

/** Most waiters settled in one event-loop turn. */
export const WAITERS_PER_TURN = 8

/** Waiters not settled yet, oldest first (`head`: the next to settle). */
let waiting: Array<() => void> = []
let head = 0
/** Immediates queued and not run yet; each settles the oldest waiter. */
let queued = 0

function noop(): void {}

/** Queues immediates for the waiters that have none, up to the turn's share. */
function schedule(): void {
  while (queued < WAITERS_PER_TURN && queued < waiting.length - head) {
    queued++
    immediate(settleOldest)
  }
}

function settleOldest(): void {
  queued--
  const resolve = waiting[head]!
  waiting[head++] = noop
  if (head === waiting.length) {
    waiting = []
    head = 0
  }
  // Queued in this check phase, the next group runs in the next turn (after the next I/O poll).
  else if (queued === 0) schedule()
  resolve()
}

/** Resolves in a later turn, once the I/O callbacks ready now (and the waiters before it) have run. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve)
    schedule()
  })
}
