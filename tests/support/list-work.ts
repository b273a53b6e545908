/**
 * Counts the work done on long lists: the elements every copy (`[...list]`, `slice`, `concat`) or
 * walk (`map`, `filter`, `some`, `find`, …) of an array of at least `LONG` items visits while `run`
 * runs. A reducer that copies a long run's lists per event shows millions; one that appends in
 * place shows none. (A spread calls the array's iterator once `Array.prototype[Symbol.iterator]`
 * is replaced, so it is counted too.)
 */
import type { JobEvent } from '../../shared/events'

/** Arrays shorter than this are not counted. */
export const LONG = 1_000

const METHODS = ['slice', 'concat', 'map', 'filter', 'forEach', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'indexOf', 'lastIndexOf', 'includes', 'reduce'] as const

/** Runs `run` and returns its result with the number of long-list elements it visited. */
export async function countListWork<T>(run: () => T | Promise<T>): Promise<{ result: T, visited: number }> {
  const proto = Array.prototype as unknown as Record<PropertyKey, (...args: unknown[]) => unknown>
  const originals = new Map<PropertyKey, (...args: unknown[]) => unknown>()
  let visited = 0
  for (const name of [...METHODS, Symbol.iterator]) {
    const original = proto[name]!
    originals.set(name, original)
    proto[name] = function (this: unknown[], ...args: unknown[]) {
      if (this.length >= LONG) visited += this.length
      return original.apply(this, args)
    }
  }
  try {
    const result = await run()
    return { result, visited }
  } finally {
    for (const [name, original] of originals) proto[name] = original
  }
}

/**
 * The log of a workflow loop: each round runs the tool node `work` (one call, its result) and the
 * branch `again`, numbered from `firstSeq`.
 */
export function loopRounds(rounds: number, firstSeq = 1): JobEvent[] {
  const events: JobEvent[] = []
  let seq = firstSeq
  const push = (payload: Record<string, unknown>) => events.push({ ...payload, seq, at: seq++ } as JobEvent)
  for (let round = 1; round <= rounds; round++) {
    push({ type: 'node-start', nodeId: 'work', kind: 'tool' })
    push({ type: 'tool-call', id: `work-${round}`, name: 'step', args: {}, step: 1, nodeId: 'work' })
    push({ type: 'tool-result', id: `work-${round}`, status: 'completed', result: round, durationMs: 1, nodeId: 'work' })
    push({ type: 'node-end', nodeId: 'work', status: 'completed', output: round })
    push({ type: 'node-start', nodeId: 'again', kind: 'branch' })
    push({ type: 'node-end', nodeId: 'again', status: 'completed', output: 'work' })
  }
  return events
}
