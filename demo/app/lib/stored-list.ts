/**
 * A bounded list kept in `localStorage` as JSON: read as empty when storage is missing (SSR),
 * blocked or holds something else; written with its oldest entries dropped past `max`. A write
 * that fails (storage full or blocked) is skipped — what it held then lasts only as long as the
 * page (lib/safe-storage.ts: no call here throws).
 */
import { readStored, writeStored } from './safe-storage'

export interface StoredList<Item> {
  read(): Item[]
  write(items: Item[]): void
}

/** The list under `key`, at most `max` entries. */
export function storedList<Item>(key: string, max: number): StoredList<Item> {
  return {
    read() {
      try {
        const stored = JSON.parse(readStored(key) ?? '[]') as unknown
        return Array.isArray(stored) ? stored as Item[] : []
      }
      catch {
        return []
      }
    },
    write(items) {
      writeStored(key, JSON.stringify(items.slice(-max)))
    },
  }
}
