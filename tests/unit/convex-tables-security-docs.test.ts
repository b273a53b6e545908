/**
 * docs/providers.md's Convex Security advice to an app that shares the deployment with its own
 * client-side functions names the tables those must never read or write. It named `jobs`,
 * `eventBatches` and `controls`; a chat's prompts and history are in `jobRequests` (`requestJson`),
 * and every other table of the layer holds users' ids, threads or the layer's own bookkeeping. The
 * advice must name every table of convex/schema.ts.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import schema from '../../convex/schema'

describe('providers.md\'s Convex security advice', () => {
  it('names every table of the layer as off limits to an app\'s own client-side functions', () => {
    const text = readFileSync(new URL('../../docs/providers.md', import.meta.url), 'utf8').replace(/\s+/g, ' ')
    const start = text.indexOf('If your app uses the same deployment for its own client-side Convex functions')
    expect(start, 'the advice').toBeGreaterThan(-1)
    const advice = text.slice(start, text.indexOf(' - ', start))
    const named = new Set([...advice.matchAll(/`(\w+)`/g)].map(match => match[1]!))
    expect(Object.keys(schema.tables).filter(table => !named.has(table))).toEqual([])
  })
})
