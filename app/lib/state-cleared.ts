/**
 * `clearNuxtState()` — what an app calls when the signed-in user changes without a page load
 * (docs/client.md) — as the layer's composables see it: a token kept in the app's state, which the
 * clear removes (or resets to a new one). The server checks the user when a stream or a read is
 * made, so what was opened or read for the last user is opened or read again.
 */
import { watch } from 'vue'
import type { Ref, WatchStopHandle } from 'vue'

/** The state key of the token (`useState(SESSION_STATE_KEY, newSessionToken)`). */
export const SESSION_STATE_KEY = 'background-jobs:session'

/** A token: only its identity counts (one per clear). */
export type SessionToken = Record<string, never>

export function newSessionToken(): SessionToken {
  return {}
}

/**
 * Calls `onCleared` with the token that follows each clear, synchronously (within the call that
 * cleared the state, before the app signs the next user in), once per watcher: the same token for
 * every one of a clear, so shared work can be done once. Client-only (a sync watcher would run
 * during SSR too).
 */
export function watchStateCleared(session: Ref<SessionToken | undefined>, onCleared: (token: SessionToken) => void): WatchStopHandle {
  return watch(session, (next) => {
    // Removed (Nuxt 4's default): a new token, which runs this watcher (and the others) again.
    if (next === undefined) session.value = newSessionToken()
    else onCleared(next)
  }, { flush: 'sync' })
}
