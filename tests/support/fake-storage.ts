/**
 * A browser storage area (`localStorage`, `sessionStorage`) as a map, for the demo's storage tests:
 * every call a page makes (`getItem`, `setItem`, `removeItem`, `key`, `length`), and the keys
 * written, in order (`store.writes`). Its methods can be replaced to hold or fail a call.
 */

/** The map a fake area holds, with the keys written in order. */
export type FakeStore = Map<string, string> & { writes: string[] }

/** A fake area over `store` (a new, empty one unless given: two tabs share `localStorage`'s). */
export function fakeStorage(store: FakeStore = Object.assign(new Map<string, string>(), { writes: [] as string[] })) {
  return {
    store,
    area: {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => {
        store.writes.push(key)
        store.set(key, value)
      },
      removeItem: (key: string) => void store.delete(key),
      get length() {
        return store.size
      },
      key: (index: number) => [...store.keys()][index] ?? null,
    },
  }
}
