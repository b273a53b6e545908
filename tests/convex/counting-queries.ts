/** For tests of what a Convex query sends back: a facade wrapper that counts query results. */
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'

/** Wraps a facade so every query result (or only those of query `name`) is counted, in UTF-8 bytes of JSON. */
export function countingQueries(counter: { bytes: number }, name?: string) {
  return (facade: ConvexFacade): ConvexFacade => ({
    ...facade,
    async query(query, args, options) {
      const result = await facade.query(query, args, options)
      if (name === undefined || String(query) === name) counter.bytes += Buffer.byteLength(JSON.stringify(result))
      return result
    },
  })
}
