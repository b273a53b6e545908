/**
 * The metric tables of docs/metrics.md (the reference) and docs/observability.md (by question) list
 * every registered metric with exactly its label names — and nothing that is not registered — so
 * an operator can write queries from the docs alone.
 */
import { describe, expect, it } from 'vitest'
import { GAUGE_HELP, METRIC_LABELS } from '../../server/lib/metric-help'
import { FIXED_LABEL_SETS, FIXED_LABEL_VALUES } from '../../server/lib/metric-known-series'
import { engineGauges } from '../../server/lib/prometheus'
import { docSection } from '../support/docs-section'
import { createTestEngine } from '../support/engine-harness'

/** Every exported metric (without the prefix) → its label names, sorted. */
async function registeredMetrics(): Promise<Map<string, string[]>> {
  const { engine } = createTestEngine({ runners: { chat: async () => {} } })
  const gauges = [...Object.keys(GAUGE_HELP), ...Object.keys(engineGauges(engine.stats(), 0))]
  await engine.dispose()
  const metrics = new Map<string, string[]>(Object.entries(METRIC_LABELS).map(([name, labels]) => [name, [...labels].sort()]))
  // Gauges: only `jobs` has a label, the keys of the snapshot's jobsByStatus.
  for (const name of gauges) metrics.set(name, name === 'jobs' ? ['status'] : [])
  return metrics
}

/** The `## Metrics` section of a doc (metrics.md: the whole page). */
function metricsSection(file: string): string {
  const section = docSection(file, 'Metrics')
  expect(section, `${file} has a Metrics section`).not.toBe('')
  return section
}

/** The metrics a column of the section's table names: `name` or `name{label,…}`, as written. */
function documentedMetrics(section: string, column: number): Array<{ name: string, labels: string[] }> {
  const rows = section.split('\n').filter(line => line.startsWith('| ') && !/^\|[-| ]+\|$/.test(line))
  // The header row names no metric in backticks; the cells of the others do.
  return rows.flatMap((row) => {
    const cell = row.split(' | ')[column] ?? ''
    return [...cell.matchAll(/`([a-z_]+)(?:\{([a-z_,]+)\})?`/g)].map(match => ({ name: match[1]!, labels: (match[2]?.split(',') ?? []).sort() }))
  })
}

/** Checks one doc's table: every mention registered with its exact labels, every metric mentioned. */
async function compare(file: string, column: number) {
  const registered = await registeredMetrics()
  const documented = documentedMetrics(metricsSection(file), column)
  const wrong = documented
    .filter(({ name, labels }) => registered.get(name)?.join(',') !== labels.join(','))
    .map(({ name, labels }) => `${name}{${labels.join(',')}}: registered as ${registered.has(name) ? `{${registered.get(name)!.join(',')}}` : 'nothing'}`)
  expect(wrong, `${file} names metrics or labels that are not registered so`).toEqual([])
  const named = new Set(documented.map(({ name }) => name))
  expect([...registered.keys()].filter(name => !named.has(name)), `${file} leaves out`).toEqual([])
}

describe('metric docs', () => {
  it('docs/metrics.md lists every metric with exactly its labels, and no other', async () => {
    await compare('metrics.md', 0)
  })

  it('docs/observability.md lists every metric with exactly its labels, and no other', async () => {
    await compare('observability.md', 1)
  })
  it('docs/metrics.md\'s row of each counter with a fixed set of label values names every value', () => {
    const section = metricsSection('metrics.md')
    const fixed = [
      ...Object.entries(FIXED_LABEL_VALUES).map(([name, values]) => [name, values!] as const),
      ...Object.entries(FIXED_LABEL_SETS).flatMap(([name, sets]) => Object.values(sets!).map(values => [name, values] as const)),
    ]
    expect(fixed.length).toBeGreaterThan(6)
    const missing = fixed.flatMap(([name, values]) => {
      const row = section.split('\n').find(line => line.startsWith('| ') && line.split(' | ')[0]!.includes(`\`${name}{`)) ?? ''
      // A value is named as `value`, `label="value"` or, for a job type, in words.
      return values.filter(value => !row.includes(`\`${value}\``) && !row.includes(`="${value}"`) && !new RegExp(`[(, ]${value}[,) ]`).test(row)).map(value => `${name}: ${value}`)
    })
    expect(missing).toEqual([])
  })
})

