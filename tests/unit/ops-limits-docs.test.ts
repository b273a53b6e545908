/**
 * docs/limits.md's limits table is where an operator looks up what a refused request ran into: every
 * limit that answers a request with a 413 or a 429 has a row there, and every row's default is the
 * real one (config.md lists all settings; this table is the ops view of the refusals).
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { docSection } from '../support/docs-section'

/** `limits.maxBodyBytes` → `MAX_BODY_BYTES`, as the table names it after `NUXT_BACKGROUND_JOBS_LIMITS_`. */
function variable(key: string): string {
  return key.replace(/([A-Z])/g, '_$1').toUpperCase()
}

/** docs/limits.md up to its first subsection (the limits table and what follows it). */
function limitsSection(): string {
  const text = docSection('limits.md', 'Limits')
  return text.slice(0, text.indexOf('\n## '))
}

/** The rows of the `## Limits` table: variable → default as written. */
function limitRows(): Map<string, string> {
  const rows = [...limitsSection().matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \|/gm)]
  return new Map(rows.map(([, name, value]) => [name!, value!.trim()]))
}

/** The whole row of `variable` in the `## Limits` table. */
function limitRow(variable: string): string {
  return limitsSection().split('\n').find(line => line.startsWith(`| \`${variable}\` |`)) ?? ''
}

describe('docs/limits.md limits table', () => {
  it('has a row for every limit refusing with a 413 or 429, with its real default', () => {
    const rows = limitRows()
    const refusing = Object.keys(DEFAULT_CONFIG.limits).filter(key => /PerMinute$|BodyBytes$|^maxStreams|^maxConcurrentJobs/.test(key))
    expect(refusing.length).toBeGreaterThan(8)
    expect(refusing.filter(key => !rows.has(variable(key))), 'missing rows').toEqual([])
  })

  it('writes each row\'s real default', () => {
    const limits = DEFAULT_CONFIG.limits as Record<string, number>
    const wrong = [...limitRows()]
      .map(([name, written]) => ({ name, written, key: Object.keys(limits).find(key => variable(key) === name) }))
      .filter(({ key, written }) => key === undefined || Number(written.split(' ')[0]) !== limits[key])
    expect(wrong).toEqual([])
  })

  // A retry a per-minute limit lets through is said in its row (an operator reading a 429 there would
  // otherwise take a retried answer over the limit for a refused one): answer-retry-input-rate.test.ts.
  it('says a retry of an answer the job took is answered over INPUT_PER_MINUTE, as its Idempotency-Key retry for CREATE_PER_MINUTE', () => {
    expect(limitRow('CREATE_PER_MINUTE')).toMatch(/not an `Idempotency-Key` retry/)
    expect(limitRow('INPUT_PER_MINUTE')).toMatch(/the same answer again[^|]*answered over it/)
  })
})
