/**
 * The one way the Convex provider follows something that grows (a job's events, its controls, a
 * user's changed jobs): a query subscription from a cursor. Each result holds the items after the
 * cursor; only items past the last delivered one are handed on, so each reaches the listener once
 * and in order however often results repeat. Without a start cursor, the first result only tells
 * "now" (the head) and delivery starts from there. When a result grew large, or the query says it
 * left items out, the subscription starts afresh from the new cursor to keep results small.
 */
import type { FunctionReference, FunctionReturnType } from 'convex/server'
import type { ConvexFacade, ServerArgs } from './convex-facade'

/** What a cursor subscription reads from one query result. */
export interface CursorReading<Item> {
  /** The newest cursor, for a subscription that starts "from now". */
  head: number
  /** The items of the result with their cursors, in ascending order. */
  items: Array<{ cursor: number, item: Item }>
  /** Subscribe afresh from the new cursor after delivering (the result was capped or grew large). */
  again: boolean
}

/** Options of `subscribeFromCursor`. */
export interface CursorSubscriptionOptions<Query extends FunctionReference<'query'>, Item> {
  facade: ConvexFacade
  query: Query
  /** The query's arguments for a cursor (undefined: ask for the head only). */
  args: (cursor: number | undefined) => ServerArgs<Query>
  /** Deliver items after this cursor (catch-up, then live). @default the head when it starts */
  start?: number
  /**
   * Without `start`: start from the first result's head, but not after this cursor. A cursor that
   * is a time (a user's `changedAt`) is "now" when the caller subscribed; the first result comes a
   * round trip later, and its head would skip what was written in between.
   */
  startAtMost?: number
  /** Reads a result; null when there is nothing to read (the subject is gone). */
  read: (result: FunctionReturnType<Query>) => CursorReading<Item> | null
  /** Hands fresh items on, in order; `stopped()` turns true if the listener unsubscribed meanwhile. */
  deliver: (items: Item[], stopped: () => boolean) => void
  onError: (error: unknown) => void
  /** Called once when a result says the subject is gone (`read` gave null); the subscription stops. */
  onGone?: () => void
}

/** Starts a cursor subscription; returns a function that stops it. */
export function subscribeFromCursor<Query extends FunctionReference<'query'>, Item>(
  options: CursorSubscriptionOptions<Query, Item>,
): () => void {
  let cursor = options.start
  let stopCurrent: (() => void) | undefined
  let stopped = false
  const isStopped = () => stopped

  const listen = () => {
    stopCurrent?.()
    stopCurrent = options.facade.subscribe(options.query, options.args(cursor), onResult, options.onError)
  }

  function onResult(result: FunctionReturnType<Query>) {
    if (stopped) return
    const reading = options.read(result)
    if (reading === null) {
      if (options.onGone) {
        stopped = true
        stopCurrent?.()
        options.onGone()
      }
      return
    }
    if (cursor === undefined) {
      cursor = options.startAtMost === undefined ? reading.head : Math.min(reading.head, options.startAtMost)
      listen()
      return
    }
    const after = cursor
    const fresh = reading.items.filter(entry => entry.cursor > after)
    if (fresh.length > 0) {
      cursor = fresh[fresh.length - 1]!.cursor
      try {
        options.deliver(fresh.map(entry => entry.item), isStopped)
      }
      catch (error) {
        options.onError(error)
      }
    }
    if (!stopped && reading.again) listen()
  }

  listen()
  return () => {
    stopped = true
    stopCurrent?.()
  }
}
