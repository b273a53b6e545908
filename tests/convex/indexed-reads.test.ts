/**
 * Every read of a deployed function goes through an index: a table scan (`db.query('t')` read
 * without `.withIndex`) or a `.filter` reads every document it passes, and past Convex's 32,000
 * documents or 16 MiB per call the function throws — for the job tables, as they grow. The two
 * exceptions are named: `cleanupRuns` holds at most one document (the retention chain's), and
 * `threads:backfillThreads` (internal, run once by the operator) pages through `jobs` with
 * `paginate` and a byte bound.
 */
import { describe, expect, it } from 'vitest'
import { deployedSources } from './deployed-modules'

/** `db.query('table')` and the method called on it next. */
const QUERY = /\.query\(\s*'(\w+)'\s*\)\s*\.(\w+)\(/g

/** `const jobs = db.query('jobs')`: the builder's name and table. */
const BUILDER = /const\s+(\w+)\s*=\s*(?:ctx\.)?db\.query\(\s*'(\w+)'\s*\)\s*(?:\n|;)/g

/** Reads allowed without an index: module, table and method. */
const UNINDEXED = new Set(['cleanup:cleanupRuns.first', 'threads:jobs.paginate'])

/** Every table read of the source that is not through an index, as `module:table.method`. */
function unindexedReads(module: string, source: string): string[] {
  const found: string[] = []
  for (const [, table, method] of source.matchAll(QUERY)) if (method !== 'withIndex') found.push(`${module}:${table}.${method}`)
  // A query builder kept in a variable (jobPages.ts): every use of the variable must be `.withIndex`.
  let kept = 0
  for (const { 0: declaration, 1: name, 2: table, index } of source.matchAll(BUILDER)) {
    kept++
    // Its uses up to the end of the function that declares it (a top-level `}`).
    const end = source.indexOf('\n}', index)
    const scope = source.slice(index + declaration.length, end === -1 ? undefined : end)
    for (const [, method] of scope.matchAll(new RegExp(`\\b${name}\\s*\\.(\\w+)\\(`, 'g'))) if (method !== 'withIndex') found.push(`${module}:${table}.${method}`)
  }
  // Anything else (a builder passed around, a table named by a variable) cannot be followed here.
  const calls = source.match(/\.query\(/g)?.length ?? 0
  const followed = [...source.matchAll(QUERY)].length + kept
  if (calls !== followed) found.push(`${module}: ${calls - followed} db.query(…) not followed by a method call`)
  // Convex's `.filter(q => q.eq(q.field(…)))` scans; an array's `.filter` never names `q.field`.
  if (/q\.field\(/.test(source)) found.push(`${module}: .filter with q.field`)
  return found
}

describe('the functions read through indexes', () => {
  it('reads no table without an index, but the two named exceptions', () => {
    const sources = deployedSources()
    expect(sources.size).toBeGreaterThan(10)
    const found = [...sources].flatMap(([module, source]) => unindexedReads(module, source))
    expect(found.sort()).toEqual([...UNINDEXED].sort())
  })

  it('finds a scan, a filter and a builder read elsewhere', () => {
    expect(unindexedReads('x', `ctx.db.query('jobs').collect()`)).toEqual(['x:jobs.collect'])
    expect(unindexedReads('x', `ctx.db.query('jobs')\n  .filter(q => q.eq(q.field('userId'), u)).take(5)`)).toEqual(['x:jobs.filter', 'x: .filter with q.field'])
    expect(unindexedReads('x', `function a() {\n  const jobs = db.query('jobs')\n  return jobs.withIndex('by_user', q => q)\n}\nfunction b() {\n  jobs.push(1)\n}`)).toEqual([])
    expect(unindexedReads('x', `const jobs = db.query('jobs')\nreturn jobs.order('desc').take(9)`)).toEqual(['x:jobs.order'])
    expect(unindexedReads('x', `const range = db.query(table)\nreturn range.take(9)`)).toEqual(['x: 1 db.query(…) not followed by a method call'])
    expect(unindexedReads('x', `db.query('jobs').withIndex('by_job_id', q => q.eq('jobId', id)).unique()`)).toEqual([])
  })
})
