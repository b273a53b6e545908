/**
 * Whether text is well-formed Unicode: no half of a surrogate pair on its own (a "lone
 * surrogate"), which no UTF-8 text can hold — written as UTF-8 it becomes `�`, and a strict store
 * refuses it. `String.prototype.isWellFormed` does the same, but is newer than the TypeScript lib
 * the layer compiles against.
 */

/** True for the first half of a surrogate pair (`\uD800`–`\uDBFF`): a cut right after it splits a character. */
export function isHighSurrogate(code: number): boolean {
  return code >= 0xD800 && code <= 0xDBFF
}

/** The index of the first lone surrogate in `text`, or -1 when it is well-formed. */
export function loneSurrogateIndex(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code < 0xD800 || code > 0xDFFF) continue
    const next = text.charCodeAt(index + 1)
    if (code <= 0xDBFF && next >= 0xDC00 && next <= 0xDFFF) {
      index++
      continue
    }
    return index
  }
  return -1
}

/** True when `text` holds no lone surrogate. */
export function isWellFormedText(text: string): boolean {
  return loneSurrogateIndex(text) === -1
}
