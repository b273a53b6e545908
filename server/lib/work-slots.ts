/**
 * At most `limit` pieces of work at a time; the rest wait their turn in order. For bursts that
 * would otherwise all start at once (every user subscription's catch-up after one reconnect).
 */
export interface WorkSlots {
  run<T>(work: () => Promise<T>): Promise<T>
  /** Work running now, and waiting (tests). */
  readonly running: number
  readonly waiting: number
}

export function createWorkSlots(limit: number): WorkSlots {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`createWorkSlots: limit must be a positive integer, got ${limit}`)
  let running = 0
  const queue: Array<() => void> = []
  const release = () => {
    running--
    const next = queue.shift()
    if (next) {
      running++
      next()
    }
  }
  return {
    async run(work) {
      if (running < limit) running++
      else await new Promise<void>(resolve => queue.push(resolve))
      try {
        return await work()
      }
      finally {
        release()
      }
    },
    get running() {
      return running
    },
    get waiting() {
      return queue.length
    },
  }
}
