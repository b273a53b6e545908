/**
 * Lets go of a subscription, timer or stream whatever happens. One whose stop throws (the provider's client
 * already closed, a bug) is let go of all the same: the stops after it, and what its caller was
 * doing (a stream's attach or detach, a request's settling, the engine's shutdown), go on.
 */
export function stopQuietly(stop: (() => void) | null): void {
  try {
    stop?.()
  }
  catch {
    // Nothing more to let go of.
  }
}
