/**
 * Writes `record[key] = value` as the record's own field, for keys that come from users (workflow
 * node ids). A plain assignment of the key `__proto__` calls Object.prototype's setter instead: it
 * changes the record's prototype (or, for a number or a string, does nothing), so the value is lost.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): T {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true })
  return value
}
