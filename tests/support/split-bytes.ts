/** Cuts bytes at the given positions (taken modulo the length, deduplicated), as a network might. */
export function splitBytes(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map(cut => cut % (bytes.length + 1)))].sort((left, right) => left - right)
  const parts: Uint8Array[] = []
  let start = 0
  for (const point of [...points, bytes.length]) {
    parts.push(bytes.slice(start, point))
    start = point
  }
  return parts
}
