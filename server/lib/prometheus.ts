/**
 * The metrics snapshot as Prometheus text exposition (version 0.0.4): counters, histograms and
 * gauges, every name prefixed with `background_jobs_`, each with its `# HELP` and `# TYPE` line.
 */
import type { EngineStats } from './engine-types'
import { COUNTER_HELP, ENGINE_GAUGE_HELP, GAUGE_HELP, HISTOGRAM_HELP } from './metric-help'
import type { MetricsSnapshot } from './metrics'

/** The prefix of every exported name. */
export const PROMETHEUS_PREFIX = 'background_jobs_'

/** Splits `name{labels}` into its name and label part. */
function splitKey(key: string): { name: string, labels: string } {
  const brace = key.indexOf('{')
  return brace < 0 ? { name: key, labels: '' } : { name: key.slice(0, brace), labels: key.slice(brace) }
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
}

/** Help texts by exported name (without prefix). */
const HELP: Record<string, string> = {
  ...COUNTER_HELP,
  ...HISTOGRAM_HELP,
  ...GAUGE_HELP,
  ...Object.fromEntries(Object.entries(ENGINE_GAUGE_HELP).map(([key, help]) => [`engine_${snakeCase(key)}`, help])),
}

/** `# HELP` text: backslashes and line breaks escaped as the format asks. */
function helpText(name: string): string {
  return (HELP[name] ?? name.replace(/_/g, ' ')).replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

/** The gauges of `engine.stats()` and the open stream count, as `toPrometheusText` takes them. */
export function engineGauges(stats: EngineStats, openStreams: number): Record<string, number> {
  const gauges: Record<string, number> = {}
  for (const [key, value] of Object.entries(stats)) gauges[`engine_${snakeCase(key)}`] = Number(value)
  gauges.open_streams = openStreams
  return gauges
}

/** Series keys in exposition order: by metric name, then labels, so a family's samples stay together. */
function byFamily(keys: Iterable<string>): Array<{ key: string, name: string, labels: string }> {
  return [...keys].map(key => ({ key, ...splitKey(key) }))
    .sort((a, b) => (a.name === b.name ? (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0) : a.name < b.name ? -1 : 1))
}

/**
 * A histogram's buckets in ascending order of their bound, `+Inf` last. A record's own order
 * will not do: integer-like keys come first, so `2.5` would follow `5000`.
 */
function ascendingBuckets(buckets: Record<string, number>): Array<[string, number]> {
  const bound = (key: string) => (key === '+Inf' ? Number.POSITIVE_INFINITY : Number(key))
  return Object.entries(buckets).sort(([a], [b]) => bound(a) - bound(b))
}

/** A bucket's labels: the series' own labels plus `le`. */
function withBound(labels: string, bound: string): string {
  return labels ? `${labels.slice(0, -1)},le="${bound}"}` : `{le="${bound}"}`
}

/** Formats counters, histograms, jobs by status and the given gauges (see `engineGauges`). */
export function toPrometheusText(snapshot: MetricsSnapshot, gauges: Record<string, number>): string {
  const lines: string[] = []
  const typed = new Set<string>()
  const declare = (name: string, type: string) => {
    const full = PROMETHEUS_PREFIX + name
    if (typed.has(full)) return full
    typed.add(full)
    lines.push(`# HELP ${full} ${helpText(name)}`, `# TYPE ${full} ${type}`)
    return full
  }
  for (const { key, name, labels } of byFamily(Object.keys(snapshot.counters))) {
    lines.push(`${declare(name, 'counter')}${labels} ${snapshot.counters[key]}`)
  }
  for (const { key, name, labels } of byFamily(Object.keys(snapshot.histograms))) {
    const full = declare(name, 'histogram')
    const histogram = snapshot.histograms[key]!
    for (const [bound, count] of ascendingBuckets(histogram.buckets)) lines.push(`${full}_bucket${withBound(labels, bound)} ${count}`)
    lines.push(`${full}_sum${labels} ${histogram.sum}`, `${full}_count${labels} ${histogram.count}`)
  }
  const jobs = declare('jobs', 'gauge')
  for (const [status, count] of Object.entries(snapshot.jobsByStatus)) lines.push(`${jobs}{status="${status}"} ${count}`)
  for (const [name, value] of Object.entries(gauges)) lines.push(`${declare(snakeCase(name), 'gauge')} ${value}`)
  return `${lines.join('\n')}\n`
}
