/**
 * This browser's storage, for the demo's lists (lib/stored-list.ts) and items kept by time, one key
 * each (lib/keyed-store.ts: drafts, answer version choices), in calls that never throw: the chat
 * must work where storage is missing (the server's render) or blocked — site data blocked, an
 * embedding site's iframe, Safari's private mode of old: there
 * merely reading `localStorage` throws a `SecurityError`, and a write can throw a
 * `QuotaExceededError` (storage full). Then nothing is kept: a read finds nothing, a write is
 * skipped, and nothing is logged (a failing write on every keystroke would flood the console).
 */

/** `localStorage` (this browser, every tab) or `sessionStorage` (this tab, through a reload). */
export type StorageArea = 'localStorage' | 'sessionStorage'

/** The storage area, or null when there is none (the server) or it is blocked. */
export function storageArea(area: StorageArea = 'localStorage'): Storage | null {
  try {
    return (globalThis as Partial<Record<StorageArea, Storage>>)[area] ?? null
  }
  catch {
    return null
  }
}

/** The value under `key`; null when there is none, or storage cannot be read. */
export function readStored(key: string, area: StorageArea = 'localStorage'): string | null {
  try {
    return storageArea(area)?.getItem(key) ?? null
  }
  catch {
    return null
  }
}

/** Whether `key` can be read (storage there and not blocked), whatever it holds. */
export function canReadStored(key: string, area: StorageArea = 'localStorage'): boolean {
  try {
    const storage = storageArea(area)
    return storage !== null && (storage.getItem(key), true)
  }
  catch {
    return false
  }
}

/** Stores `value` under `key`; false when it could not be (no storage, blocked, or full). */
export function writeStored(key: string, value: string, area: StorageArea = 'localStorage'): boolean {
  try {
    const storage = storageArea(area)
    storage?.setItem(key, value)
    return storage !== null
  }
  catch {
    return false
  }
}

/** The keys in storage that start with `prefix` (none when storage is missing or blocked). */
export function storedKeys(prefix: string, area: StorageArea = 'localStorage'): string[] {
  try {
    const storage = storageArea(area)
    const keys: string[] = []
    for (let index = 0; index < (storage?.length ?? 0); index++) {
      const key = storage!.key(index)
      if (key?.startsWith(prefix)) keys.push(key)
    }
    return keys
  }
  catch {
    return []
  }
}

/** Removes `key` (nothing happens when storage is missing or blocked). */
export function removeStored(key: string, area: StorageArea = 'localStorage'): void {
  try {
    storageArea(area)?.removeItem(key)
  }
  catch {
    // Blocked: nothing was kept under it.
  }
}
