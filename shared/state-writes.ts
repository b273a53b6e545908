/**
 * Copy-on-write for the reducer's lists and node map. `applyEvent` copies what an event changes
 * (callers keep earlier states: Vue compares lists by reference, the AI SDK adapter compares a state
 * with the next); `reduceEvents` passes the lists it made itself (`owned`) and changes those in
 * place, so a long log reduces in time linear in its length, not quadratic.
 */
import { setOwn } from './own-key'

/** Lists and maps one reduction made and may change in place; absent: copy on every change. */
export type Owned = WeakSet<object> | undefined

/** `list` with `item` appended (in place when owned). */
export function appended<T>(list: T[], item: T, owned: Owned): T[] {
  const target = owned?.has(list) ? list : list.slice()
  target.push(item)
  owned?.add(target)
  return target
}

/** `list` with `item` at `index` (in place when owned). */
export function replacedAt<T>(list: T[], index: number, item: T, owned: Owned): T[] {
  const target = owned?.has(list) ? list : list.slice()
  target[index] = item
  owned?.add(target)
  return target
}

/** `record` with `value` as its own field `key` (in place when owned). */
export function withKey<T>(record: Record<string, T>, key: string, value: T, owned: Owned): Record<string, T> {
  const target = owned?.has(record) ? record : { ...record }
  setOwn(target, key, value)
  owned?.add(target)
  return target
}
