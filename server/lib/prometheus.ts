/**
 * The metrics snapshot as Prometheus text exposition (version 0.0.4): counters, histograms and
 * gauges, every name prefixed with `background_jobs_`.
 */
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

/** Formats counters, histograms, jobs by status and the given gauges (e.g. `engine.stats()`). */
export function toPrometheusText(snapshot: MetricsSnapshot, gauges: Record<string, number>): string {
  const lines: string[] = []
  const typed = new Set<string>()
  const declare = (name: string, type: string) => {
    if (typed.has(name)) return
    typed.add(name)
    lines.push(`# TYPE ${name} ${type}`)
  }
  for (const [key, value] of Object.entries(snapshot.counters).sort()) {
    const { name, labels } = splitKey(key)
    declare(PROMETHEUS_PREFIX + name, 'counter')
    lines.push(`${PROMETHEUS_PREFIX}${name}${labels} ${value}`)
  }
  for (const [name, histogram] of Object.entries(snapshot.histograms)) {
    const full = PROMETHEUS_PREFIX + name
    declare(full, 'histogram')
    for (const [bound, count] of Object.entries(histogram.buckets)) lines.push(`${full}_bucket{le="${bound}"} ${count}`)
    lines.push(`${full}_sum ${histogram.sum}`, `${full}_count ${histogram.count}`)
  }
  declare(`${PROMETHEUS_PREFIX}jobs`, 'gauge')
  for (const [status, count] of Object.entries(snapshot.jobsByStatus)) lines.push(`${PROMETHEUS_PREFIX}jobs{status="${status}"} ${count}`)
  for (const [name, value] of Object.entries(gauges)) {
    const full = `${PROMETHEUS_PREFIX}${snakeCase(name)}`
    declare(full, 'gauge')
    lines.push(`${full} ${value}`)
  }
  return `${lines.join('\n')}\n`
}
