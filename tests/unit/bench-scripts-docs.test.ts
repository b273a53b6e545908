/**
 * docs/performance.md (written by bench/run.mjs) says which scripts the benchmarks are: every
 * benchmark `npm run bench` runs must be named there, and must be a script in bench/.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

describe('the benchmark scripts performance.md names', () => {
  it('are the ones npm run bench runs', () => {
    const run = read('bench/run.mjs')
    const benchmarks = [...run.matchAll(/file: 'bench\/([\w-]+\.ts)'/g)].map(match => match[1]!)
    expect(benchmarks.length).toBeGreaterThan(5)
    expect(benchmarks.filter(file => !readdirSync(new URL('../../bench/', import.meta.url)).includes(file))).toEqual([])
    const sentence = read('docs/performance.md').split('\n').find(line => line.startsWith('The scripts live in'))!
    const named = [...sentence.slice(0, sentence.indexOf('helpers in')).matchAll(/`([\w-]+\.ts)`/g)].map(match => match[1]!)
    expect(named.sort()).toEqual([...benchmarks].sort())
  })
})
