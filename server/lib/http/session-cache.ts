/**
 * Anonymous user ids by sealed cookie value, so a client that opens many streams (every job page,
 * every reconnect) pays the cookie's unseal (WebCrypto key derivation, decryption, HMAC) once, not
 * per request. An entry is keyed by the exact cookie value and the secret it was unsealed with,
 * lives no longer than the session itself (its `createdAt` + max age: a cached id is never
 * accepted after the cookie would have been refused as expired), and the cache is bounded (the
 * oldest entry goes first). Only cookies that unsealed are cached.
 */

/** The most entries kept (a few hundred bytes each). */
export const SESSION_CACHE_MAX_ENTRIES = 10_000

interface Entry {
  id: string
  /** The last moment (ms) the session is valid: `createdAt + maxAge`. */
  validUntilMs: number
}

/** A bounded cache of unsealed session ids. */
export interface SessionCache {
  /** The id sealed in `cookie` with `secret`, when it was unsealed before and has not expired. */
  get(cookie: string, secret: string): string | undefined
  /** Remembers an unsealed cookie's id until `validUntilMs`. */
  set(cookie: string, secret: string, id: string, validUntilMs: number): void
  readonly size: number
}

/** Creates a cache (`now` for tests). */
export function createSessionCache(maxEntries = SESSION_CACHE_MAX_ENTRIES, now: () => number = () => Date.now()): SessionCache {
  const entries = new Map<string, Entry>()
  /** The secret the entries were unsealed with: another secret empties the cache. */
  let entriesSecret: string | null = null

  return {
    get(cookie, secret) {
      if (secret !== entriesSecret) return undefined
      const entry = entries.get(cookie)
      if (!entry) return undefined
      if (now() > entry.validUntilMs) {
        entries.delete(cookie)
        return undefined
      }
      return entry.id
    },
    set(cookie, secret, id, validUntilMs) {
      if (maxEntries <= 0 || now() > validUntilMs) return
      if (secret !== entriesSecret) {
        entries.clear()
        entriesSecret = secret
      }
      entries.delete(cookie)
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(cookie, { id, validUntilMs })
    },
    get size() {
      return entries.size
    },
  }
}
