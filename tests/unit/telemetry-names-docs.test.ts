/**
 * docs/observability.md names every span, span event and attribute the layer writes
 * (server/lib/telemetry/names.ts), so an operator can find what a span carries: in full, or
 * shortened after `background_jobs` (`.run.epoch`, `abort.code`) as the page writes them.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ATTR, SPAN, SPAN_EVENT } from '../../server/lib/telemetry/names'

const docs = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8')

/** Whether the page writes `name` in backticks (alone, or `name = value`), whole or shortened after `background_jobs`. */
function documented(name: string): boolean {
  const short = name.replace(/^background_jobs/, '')
  return [name, short, short.replace(/^\./, '')].some(form => form && (docs.includes(`\`${form}\``) || docs.includes(`\`${form} = `)))
}

describe('telemetry names in docs/observability.md', () => {
  it('names every span and span event', () => {
    expect([...Object.values(SPAN), ...Object.values(SPAN_EVENT)].filter(name => !documented(name))).toEqual([])
  })

  it('names every attribute', () => {
    expect(Object.values(ATTR).filter(name => !documented(name))).toEqual([])
  })
})
