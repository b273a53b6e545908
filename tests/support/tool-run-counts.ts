/** What the process's metrics counted for one tool's calls (`tool_runs_total`, `tool_run_ms`). */
import { useMetrics } from '../../server/lib/metrics'

/** `tool_runs_total{tool}` by status. */
export function toolRunCounts(tool: string): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const [key, value] of Object.entries(useMetrics().snapshot().counters)) {
    const match = /^tool_runs_total\{status="(\w+)",tool="([^"]*)"\}$/.exec(key)
    if (match && match[2] === tool) counts[match[1]!] = value
  }
  return counts
}

/** The statuses `tool_run_ms{tool}` timed. */
export function toolRunTimedStatuses(tool: string): string[] {
  return Object.keys(useMetrics().snapshot().histograms).flatMap((key) => {
    const match = /^tool_run_ms\{status="(\w+)",tool="([^"]*)"\}$/.exec(key)
    return match && match[2] === tool ? [match[1]!] : []
  })
}
