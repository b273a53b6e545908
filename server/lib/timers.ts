/**
 * Timers that know how many of them are pending, so tests can prove none leaks.
 * They use the global setTimeout/setInterval, so vitest fake timers drive them.
 */

/** A set of timers owned by one component. */
export interface TimerSet {
  timeout(callback: () => void, delayMs: number): () => void
  interval(callback: () => void, delayMs: number): () => void
  /** Pending timers. */
  readonly size: number
  clearAll(): void
}

/** Creates a timer set; every timer is unref'd so it never keeps the process alive. */
export function createTimerSet(): TimerSet {
  const pending = new Map<ReturnType<typeof setTimeout>, 'timeout' | 'interval'>()
  function clear(handle: ReturnType<typeof setTimeout>) {
    const kind = pending.get(handle)
    if (!kind) return
    pending.delete(handle)
    if (kind === 'timeout') clearTimeout(handle)
    else clearInterval(handle)
  }
  return {
    timeout(callback, delayMs) {
      const handle = setTimeout(() => {
        pending.delete(handle)
        callback()
      }, delayMs)
      handle.unref?.()
      pending.set(handle, 'timeout')
      return () => clear(handle)
    },
    interval(callback, delayMs) {
      const handle = setInterval(callback, delayMs)
      handle.unref?.()
      pending.set(handle, 'interval')
      return () => clear(handle)
    },
    get size() {
      return pending.size
    },
    clearAll() {
      for (const handle of [...pending.keys()]) clear(handle)
    },
  }
}

/** Waits for `promise` (its outcome ignored), at most `ms` on a timer of `timers`. */
export async function settleWithin(timers: TimerSet, promise: Promise<unknown>, ms: number): Promise<void> {
  if (ms <= 0) return
  let cancel = () => {}
  await Promise.race([promise, new Promise<void>((resolve) => {
    cancel = timers.timeout(resolve, ms)
  })])
  cancel()
}
