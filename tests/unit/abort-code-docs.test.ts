/**
 * docs/observability.md lists the `abort.code` of the job span's `background_jobs.abort` event:
 * every code a run can be aborted with (JobAbortedError's codes), so an operator can tell a
 * user's stop from a job the store or the event size stopped. `owner-lost` stops a run without
 * an abort event (abandonRun: another instance owns the job), so it is not in that list.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

function read(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
}

describe('abort codes in docs/observability.md', () => {
  it('the `.abort` span event names every code of JobAbortedError but owner-lost', () => {
    const union = /class JobAbortedError[\s\S]*?readonly code: ([^,]+),/.exec(read('server/lib/errors.ts'))?.[1] ?? ''
    const codes = [...union.matchAll(/'([a-z-]+)'/g)].map(match => match[1]!).filter(code => code !== 'owner-lost')
    expect(codes.length).toBeGreaterThan(4)
    const docs = read('docs/observability.md')
    const sentence = /`\.abort` \(`abort\.code`:([\s\S]*?)\), `\.takeover`/.exec(docs)?.[1] ?? ''
    expect(sentence, 'the .abort sentence').not.toBe('')
    expect(codes.filter(code => !sentence.includes(`\`${code}\``))).toEqual([])
  })
})
