/**
 * A bounded list kept in `localStorage` as JSON: read as empty when storage is missing (SSR),
 * disabled or holds something else; written with its oldest entries dropped past `max`. A write
 * that fails (storage full or disabled) is skipped — what it held then lasts only as long as the
 * page.
 */
export interface StoredList<Item> {
  read(): Item[]
  write(items: Item[]): void
}

/** The list under `key`, at most `max` entries. */
export function storedList<Item>(key: string, max: number): StoredList<Item> {
  return {
    read() {
      if (typeof localStorage === 'undefined') return []
      try {
        const stored = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown
        return Array.isArray(stored) ? stored as Item[] : []
      }
      catch {
        return []
      }
    },
    write(items) {
      try {
        localStorage.setItem(key, JSON.stringify(items.slice(-max)))
      }
      catch {
        // Storage full or disabled.
      }
    },
  }
}
