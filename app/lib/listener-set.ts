/**
 * The app's listeners of one kind (`onNotification`, `onDeleted`), each subscription on its own:
 * two components may pass the same function (a store's action, a module's handler). It is called
 * once per value, and stays until its last subscription stops — a plain `Set` dropped it for both
 * when the first component unmounted, and the one still mounted heard nothing more.
 */

/** A set of listeners that counts the subscriptions of each. */
export interface ListenerSet<T> {
  /** Subscribes `listener`; returns a function that stops this subscription (idempotent). */
  add: (listener: (value: T) => void) => () => void
  /** The distinct listeners subscribed right now, in the order they first came. */
  snapshot: () => ((value: T) => void)[]
  /** How many distinct listeners are subscribed (tests count leaks with it). */
  readonly size: number
}

/** Creates an empty `ListenerSet`. */
export function createListenerSet<T>(): ListenerSet<T> {
  const subscriptions = new Map<(value: T) => void, number>()
  return {
    add(listener) {
      subscriptions.set(listener, (subscriptions.get(listener) ?? 0) + 1)
      let stopped = false
      return () => {
        if (stopped) return
        stopped = true
        const left = subscriptions.get(listener)! - 1
        if (left > 0) subscriptions.set(listener, left)
        else subscriptions.delete(listener)
      }
    },
    snapshot: () => [...subscriptions.keys()],
    get size() {
      return subscriptions.size
    },
  }
}
