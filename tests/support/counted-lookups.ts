/**
 * The work a text scan does, counted without a clock: each `Set.prototype.has` call (a lookup) and
 * the characters each `String.prototype.includes` call searches. Patched only for the synchronous
 * call, and restored even when it throws.
 */

/** What `countLookups` saw. */
export interface CountedLookups<T> {
  result: T
  /** `Set.prototype.has` calls. */
  lookups: number
  /** Characters of the strings `String.prototype.includes` searched in (`this.length` per call). */
  searched: number
}

/** Runs `scan` and counts its lookups and searched characters. */
export function countLookups<T>(scan: () => T): CountedLookups<T> {
  const { has } = Set.prototype
  const { includes } = String.prototype
  let lookups = 0
  let searched = 0
  Set.prototype.has = function (this: Set<unknown>, value: unknown) {
    lookups++
    return has.call(this, value)
  }
  String.prototype.includes = function (this: string, ...args: Parameters<string['includes']>) {
    searched += this.length
    return includes.apply(this, args)
  }
  try {
    return { result: scan(), lookups, searched }
  }
  finally {
    Set.prototype.has = has
    String.prototype.includes = includes
  }
}
