/**
 * How long each toast has left, paused while the user is on the toasts: WCAG 2.2.1 (timing
 * adjustable) — a toast must not close under the pointer, nor take a keyboard user's focus down
 * to the page's body, while they read it or reach for its link. Each toast keeps the time it had
 * left when paused and gets it back on resume. Framework-free: unit-tested with fake timers.
 */

/** The toasts' timers. */
export interface ToastTimers {
  /** Starts `id`'s timer (a no-op when it has one); `onExpire(id)` runs after `durationMs` not paused. */
  start: (id: number, durationMs: number) => void
  /** Forgets `id`'s timer (dismissed by hand). */
  stop: (id: number) => void
  /** Holds every timer (idempotent). */
  pause: () => void
  /** Lets every timer run on with the time it had left (idempotent). */
  resume: () => void
  /** Forgets every timer (the list unmounted). */
  stopAll: () => void
}

/** What `createToastTimers` needs besides `onExpire`. */
export interface ToastTimerClock {
  /** @default Date.now */
  now?: () => number
  /** @default setTimeout / clearTimeout */
  setTimer?: (callback: () => void, delayMs: number) => unknown
  clearTimer?: (timer: unknown) => void
}

/** Creates the timers; `onExpire(id)` dismisses a toast whose time ran out. */
export function createToastTimers(onExpire: (id: number) => void, clock: ToastTimerClock = {}): ToastTimers {
  const now = clock.now ?? Date.now
  const setTimer = clock.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs))
  const clearTimer = clock.clearTimer ?? (timer => clearTimeout(timer as ReturnType<typeof setTimeout>))
  /** Each toast: the time it has left from `since`, and its running timer (null while paused). */
  const entries = new Map<number, { left: number, since: number, timer: unknown }>()
  let paused = false

  function run(id: number): void {
    const entry = entries.get(id)
    if (!entry) return
    entry.since = now()
    entry.timer = setTimer(() => {
      entries.delete(id)
      onExpire(id)
    }, entry.left)
  }

  return {
    start(id, durationMs) {
      if (entries.has(id)) return
      entries.set(id, { left: durationMs, since: now(), timer: null })
      if (!paused) run(id)
    },
    stop(id) {
      const entry = entries.get(id)
      if (entry?.timer != null) clearTimer(entry.timer)
      entries.delete(id)
    },
    pause() {
      if (paused) return
      paused = true
      for (const entry of entries.values()) {
        if (entry.timer == null) continue
        clearTimer(entry.timer)
        entry.timer = null
        entry.left = Math.max(0, entry.left - (now() - entry.since))
      }
    },
    resume() {
      if (!paused) return
      paused = false
      for (const id of entries.keys()) run(id)
    },
    stopAll() {
      for (const entry of entries.values()) {
        if (entry.timer != null) clearTimer(entry.timer)
      }
      entries.clear()
    },
  }
}
