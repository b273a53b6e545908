/**
 * Timers that know how many of them are pending, so tests can prove none leaks.
 * They use the global setTimeout/setInterval, so vitest fake timers drive them.
 */

/** A set of timers owned by one component. */
export interface TimerSet {
  /**
   * `onClear`: called instead when `clearAll` drops the timer before it fired — for a time bound
   * someone awaits, whose wait must end then too (it would never end otherwise).
   */
  timeout(callback: () => void, delayMs: number, options?: { onClear?: () => void }): () => void
  interval(callback: () => void, delayMs: number): () => void
  /** Pending timers. */
  readonly size: number
  clearAll(): void
}

/** Creates a timer set; every timer is unref'd so it never keeps the process alive. */
export function createTimerSet(): TimerSet {
  const pending = new Map<ReturnType<typeof setTimeout>, { kind: 'timeout' | 'interval', onClear?: () => void }>()
  function clear(handle: ReturnType<typeof setTimeout>) {
    const timer = pending.get(handle)
    if (!timer) return
    pending.delete(handle)
    if (timer.kind === 'timeout') clearTimeout(handle)
    else clearInterval(handle)
  }
  return {
    timeout(callback, delayMs, options) {
      const handle = setTimeout(() => {
        pending.delete(handle)
        callback()
      }, delayMs)
      handle.unref?.()
      pending.set(handle, { kind: 'timeout', onClear: options?.onClear })
      return () => clear(handle)
    },
    interval(callback, delayMs) {
      const handle = setInterval(callback, delayMs)
      handle.unref?.()
      pending.set(handle, { kind: 'interval' })
      return () => clear(handle)
    },
    get size() {
      return pending.size
    },
    clearAll() {
      const cleared = [...pending.entries()]
      for (const [handle] of cleared) clear(handle)
      for (const [, timer] of cleared) timer.onClear?.()
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
