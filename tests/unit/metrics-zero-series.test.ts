/**
 * A counter's series appeared in /metrics only at its first count. Prometheus reads a series that
 * appears already at 1 as no increase — `increase(background_jobs_jobs_ended_total{status="failed"}[5m]) > 0`
 * never fired for the first failure after a start (or a restart), nor `rate()` for the first
 * timeout or token — and a dashboard showed "no data" instead of 0. Counters without labels,
 * counters whose label has a fixed set of values (statuses, reasons, kinds) and histograms without
 * labels are exported from the start at 0 now, in Prometheus text and JSON.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { COUNTER_HELP, METRIC_LABELS } from '../../server/lib/metric-help'
import { FIXED_LABEL_SETS, FIXED_LABEL_VALUES } from '../../server/lib/metric-known-series'
import { useMetrics } from '../../server/lib/metrics'
import { parsePrometheusText } from '../support/prometheus-parser'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'

vi.mock('nitropack/runtime', () => ({
  useRuntimeConfig: () => ({ app: { baseURL: '/' } }),
  useNitroApp: () => ({ hooks: { callHook: async () => {} } }),
}))

const TOKEN = 'a3f1c9e07b5d42e8961f0c7a2b4d8e63'

let app: RouteApp | undefined
beforeEach(() => {
  useMetrics().reset()
})
afterEach(async () => {
  await app?.close()
  app = undefined
  useMetrics().reset()
})

describe('the metrics of an instance that has counted nothing yet', () => {
  it('has the fixed series at 0, in Prometheus text and JSON', async () => {
    app = await serveRoutes({ config: { metricsToken: TOKEN } })
    const read = (format: string) => fetch(`${app!.base}/api/jobs/metrics${format}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    const text = await (await read('?format=prometheus')).text()
    for (const sample of [
      'background_jobs_jobs_started_total 0',
      'background_jobs_jobs_ended_total{status="failed"} 0',
      'background_jobs_jobs_ended_total{status="completed"} 0',
      'background_jobs_jobs_refused_total{reason="user-limit"} 0',
      'background_jobs_model_tokens_total{kind="prompt"} 0',
      'background_jobs_model_retries_total{reason="http-429"} 0',
      'background_jobs_tool_timeouts_total 0',
      'background_jobs_job_duration_ms_bucket{le="+Inf"} 0',
      'background_jobs_job_duration_ms_count 0',
    ]) expect(text.split('\n')).toContain(sample)
    // Still valid exposition text: HELP and TYPE once per family, families together, cumulative buckets.
    expect(parsePrometheusText(text).get('background_jobs_jobs_ended_total')?.samples).toHaveLength(3)
    const json = await (await read('')).json() as { counters: Record<string, number>, histograms: Record<string, { count: number }> }
    expect(json.counters).toMatchObject({ 'jobs_ended_total{status="aborted"}': 0, 'viewers_attached_total': 0 })
    expect(json.histograms.time_to_first_token_ms?.count).toBe(0)
  })

  it('has every requests_refused_total{limit} series at 0: a first 429 after a start is an increase', async () => {
    app = await serveRoutes({ config: { metricsToken: TOKEN } })
    const text = await (await fetch(`${app.base}/api/jobs/metrics?format=prometheus`, { headers: { authorization: `Bearer ${TOKEN}` } })).text()
    const limits = ['maxConcurrentJobs', 'maxConcurrentJobsPerUser', 'maxConcurrentAnonymousJobsPerAddress', 'createPerMinute', 'anonymousCreatePerMinute', 'inputPerMinute', 'deletePerMinute', 'renamePerMinute', 'maxStreamsPerUser', 'maxAnonymousStreamsPerAddress', 'maxStreams', 'refusedValueProblems', 'other']
    const samples = text.split('\n').filter(line => line.startsWith('background_jobs_requests_refused_total{'))
    expect(samples.sort()).toEqual(limits.map(limit => `background_jobs_requests_refused_total{limit="${limit}"} 0`).sort())
  })

  it('has every lease_takeovers_total{type,outcome} series at 0: the first takeover after a start is an increase', async () => {
    app = await serveRoutes({ config: { metricsToken: TOKEN } })
    const text = await (await fetch(`${app.base}/api/jobs/metrics?format=prometheus`, { headers: { authorization: `Bearer ${TOKEN}` } })).text()
    const samples = text.split('\n').filter(line => line.startsWith('background_jobs_lease_takeovers_total{'))
    expect(samples).toHaveLength(6)
    expect(samples).toContain('background_jobs_lease_takeovers_total{outcome="resumed",type="workflow"} 0')
    expect(samples).toContain('background_jobs_lease_takeovers_total{outcome="already-ended",type="chat"} 0')
  })

  it('names each label of a counter with fixed label sets, and only values its help names', () => {
    for (const [name, sets] of Object.entries(FIXED_LABEL_SETS)) {
      const counter = name as keyof typeof COUNTER_HELP
      expect(Object.keys(sets!).sort(), name).toEqual([...METRIC_LABELS[counter]].sort())
      expect(Object.values(sets!).flat().filter(value => !COUNTER_HELP[counter].includes(value)), name).toEqual([])
    }
  })

  it('names only values each counter\'s help names (the series it records)', () => {
    for (const [name, values] of Object.entries(FIXED_LABEL_VALUES)) {
      expect(values!.filter(value => !COUNTER_HELP[name as keyof typeof COUNTER_HELP].includes(value)), name).toEqual([])
    }
  })

  it('counts on from 0: a counted series is exported once, with its count', async () => {
    useMetrics().increment('jobs_ended_total', { status: 'failed' })
    app = await serveRoutes({ config: { metricsToken: TOKEN } })
    const text = await (await fetch(`${app.base}/api/jobs/metrics?format=prometheus`, { headers: { authorization: `Bearer ${TOKEN}` } })).text()
    expect(text.split('\n').filter(line => line.startsWith('background_jobs_jobs_ended_total{status="failed"}'))).toEqual(['background_jobs_jobs_ended_total{status="failed"} 1'])
  })
})
