/**
 * The newest items of one kind kept in `localStorage`, one key per item (`<prefix><name>`), for the
 * demo's drafts (lib/drafts.ts) and answer version choices (lib/version-choices.ts). An item is
 * written or removed under its own key and no key holds a list, so two tabs writing at the same
 * moment keep each other's items. Each item has the time it was saved (where it is kept is the
 * kind's: `timeOf`); past `max` the oldest go, by that time, then by key — two tabs trimming at
 * once remove the same ones. What an earlier release stored another way is moved to these keys
 * once per page, before the first read or write (`ready`). Storage through lib/safe-storage.ts:
 * nothing kept where it is blocked or full.
 */
import { removeStored, storedKeys } from './safe-storage'

/** What a kind of item tells its store. */
export interface KeyedStoreOptions {
  /** The prefix of an item's key. */
  prefix: string
  /** Items kept; the oldest go first. */
  max: number
  /** When the item under `key` was saved (ms since the epoch; 0: unknown, the oldest). */
  timeOf: (key: string) => number
  /**
   * Removes the item under `key` with what else it keeps (its time under a key of its own).
   * @default removes `key`
   */
  remove?: (key: string) => void
  /** Moves what an earlier release stored to these keys (run once per page, by `ready`). */
  moveLegacy?: () => void
}

/** A kind's items in storage (`createKeyedStore`). */
export interface KeyedStore {
  /** The key of item `name`. */
  keyOf: (name: string) => string
  /** The stored items' keys that start with `<prefix><start>`. */
  keys: (start?: string) => string[]
  /** The time to save an item with now: later than any given in this tab (two in one millisecond keep their order). */
  nextTime: () => number
  /** Moves an earlier release's items, once per page: call before reading or writing any. */
  ready: () => void
  /** Removes the oldest items past `max`. */
  dropOldest: () => void
}

/** A store for one kind of item kept by time, one key each. */
export function createKeyedStore(options: KeyedStoreOptions): KeyedStore {
  const { prefix, max, timeOf } = options
  const remove = options.remove ?? removeStored
  let lastTime = 0
  let moved = false
  const keys = (start = '') => storedKeys(prefix + start)
  return {
    keyOf: name => prefix + name,
    keys,
    nextTime() {
      lastTime = Math.max(Date.now(), lastTime + 1)
      return lastTime
    },
    ready() {
      if (moved) return
      moved = true
      options.moveLegacy?.()
    },
    dropOldest() {
      const stored = keys()
      if (stored.length <= max) return
      const byAge = stored.map(key => ({ key, at: timeOf(key) }))
        .sort((first, second) => first.at - second.at || (first.key < second.key ? -1 : 1))
      for (const { key } of byAge.slice(0, stored.length - max)) remove(key)
    },
  }
}
