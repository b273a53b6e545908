/**
 * The isolated calls waiting for a free worker (tool-pool.ts), taken in turn by user, with a share
 * per user. The next call is the oldest call of the user served longest ago among the users whose
 * calls hold fewer than `maxWorkersPerUser` workers (a user none of whose calls waits or runs now
 * counts as never served); when every waiting user holds that many, of the user holding fewest.
 * In arrival order alone, one user's job that asked for many calls at once (a model round may ask
 * for 20) put every other user's call behind all of them: with calls that run up to their time
 * limit, those waited past `isolation.queueTimeoutMs` and ended not run. In turns alone, a user
 * whose calls held most workers still got every other one that freed. The share is work-conserving
 * (docs/decisions/017): a lone user's calls take every free worker, and a worker never stays idle
 * while a call waits — the share decides only who gets the next one. One user's own calls still
 * start in the order they came. A full queue is shared the same way (`displace`).
 */

/** A call waiting for a worker. */
export interface WaitingCall {
  /** The user the call runs for. */
  userId: string
  /** The tool it calls (what the error of a call that gives its place up names). */
  tool?: string
  /** Gives it its turn: a worker is free for it. */
  enter: () => void
  /** Gives up on it: no worker will take it (no error: the server shuts down). */
  refuse: (error?: unknown) => void
}

/** The queue of `WaitingCall`s. */
export interface WaitingCalls {
  readonly length: number
  push(call: WaitingCall): void
  /** Takes a call out without its turn (given up while it waited); false when it was not waiting. */
  remove(call: WaitingCall): boolean
  /** Takes out the call whose turn is next (see the file comment), or undefined when none waits. */
  next(): WaitingCall | undefined
  /**
   * Takes out, for a call of `userId` that finds the queue full, the newest waiting call of the user
   * holding the most calls (running and waiting) — when that user holds at least two more than
   * `userId` does, so places move toward an even split and never back and forth — or undefined.
   */
  displace(userId: string): WaitingCall | undefined
  /** A call `next` gave out ended its turn (its worker is back, or gone). */
  ended(call: WaitingCall): void
  /** Takes out every call. */
  clear(): WaitingCall[]
}

/**
 * Creates an empty queue. `maxWorkersPerUser` is read at each turn given (the pool passes
 * `isolation.maxWorkersPerUser`, read when it started). @default no share: turns alone
 * `onShareTurn` is called when the share decided a turn: the call given is of a user under it,
 * and an older waiting call, of a user holding that many, was passed over (`isolated_share_turns_total`).
 */
export function createWaitingCalls(maxWorkersPerUser: () => number = () => Infinity, onShareTurn?: () => void): WaitingCalls {
  const calls: WaitingCall[] = []
  // When each user with a call waiting or running was last served (a count of turns given), and
  // how many of their calls run: only those users, so neither map outgrows the pool's calls.
  const lastServed = new Map<string, number>()
  const running = new Map<string, number>()
  let turns = 0

  function forget(userId: string): void {
    if (!running.has(userId) && !calls.some(call => call.userId === userId)) lastServed.delete(userId)
  }

  return {
    get length() {
      return calls.length
    },
    push(call) {
      calls.push(call)
    },
    remove(call) {
      const index = calls.indexOf(call)
      if (index < 0) return false
      calls.splice(index, 1)
      forget(call.userId)
      return true
    },
    next() {
      const share = maxWorkersPerUser()
      let chosen = -1
      // Whether the chosen user holds less than the share, how many workers it holds, when it was served.
      let chosenUnder = false
      let chosenHeld = Infinity
      let chosenServed = Infinity
      // The queue holds at most `maxWorkers` + `maxQueue` calls: a scan is cheap.
      for (let index = 0; index < calls.length; index++) {
        const { userId } = calls[index]!
        const held = running.get(userId) ?? 0
        const under = held < share
        const served = lastServed.get(userId) ?? -1
        // Under the share first, in turns; past it (every waiting user is), fewest held first, then in turns.
        const better = under !== chosenUnder
          ? under
          : (!under && held !== chosenHeld ? held < chosenHeld : served < chosenServed)
        if (chosen < 0 || better) {
          chosen = index
          chosenUnder = under
          chosenHeld = held
          chosenServed = served
        }
      }
      if (chosen < 0) return undefined
      // An older call waits whose user holds the share: it was passed over because of it.
      if (chosenUnder && onShareTurn && calls.slice(0, chosen).some(({ userId }) => (running.get(userId) ?? 0) >= share)) onShareTurn()
      const [call] = calls.splice(chosen, 1)
      lastServed.set(call!.userId, ++turns)
      running.set(call!.userId, (running.get(call!.userId) ?? 0) + 1)
      return call
    },
    displace(userId) {
      const held = new Map(running)
      for (const call of calls) held.set(call.userId, (held.get(call.userId) ?? 0) + 1)
      let victim = -1
      let most = (held.get(userId) ?? 0) + 1
      // Newest first: a user's first call seen is its newest, and a tie keeps the one seen first.
      for (let index = calls.length - 1; index >= 0; index--) {
        const other = calls[index]!.userId
        const total = held.get(other)!
        if (other !== userId && total > most) {
          victim = index
          most = total
        }
      }
      if (victim < 0) return undefined
      const [call] = calls.splice(victim, 1)
      forget(call!.userId)
      return call
    },
    ended({ userId }) {
      const left = (running.get(userId) ?? 0) - 1
      if (left > 0) running.set(userId, left)
      else running.delete(userId)
      forget(userId)
    },
    clear() {
      lastServed.clear()
      running.clear()
      return calls.splice(0)
    },
  }
}
