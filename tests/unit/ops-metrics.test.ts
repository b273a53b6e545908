/**
 * The metrics registry fed with committed events, its JSON snapshot and its Prometheus text.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { BATCH_CHARS_BUCKETS, createMetrics, FIRST_TOKEN_MS_BUCKETS, JOB_DURATION_MS_BUCKETS, PROVIDER_CALL_MS_BUCKETS, TOOL_ISOLATION_WAIT_MS_BUCKETS, TOOL_RUN_MS_BUCKETS } from '../../server/lib/metrics'
import { COUNTER_HELP, ENGINE_GAUGE_HELP, GAUGE_HELP, HISTOGRAM_HELP, METRIC_LABELS } from '../../server/lib/metric-help'
import type { CounterName } from '../../server/lib/metric-help'
import { engineGauges, toPrometheusText } from '../../server/lib/prometheus'
import { createTestEngine } from '../support/engine-harness'

let seq = 0
const event = (payload: Record<string, unknown>) => ({ ...payload, seq: ++seq, at: seq }) as unknown as JobEvent

describe('metrics', () => {
  it('counts jobs by live status and by end status, and upstream errors', () => {
    const metrics = createMetrics()
    metrics.recordEvent('a', event({ type: 'job-status', status: 'running' }))
    metrics.recordEvent('b', event({ type: 'job-status', status: 'running' }))
    metrics.recordEvent('b', event({ type: 'job-status', status: 'waiting' }))
    metrics.recordEvent('a', event({ type: 'text-delta', offset: 0, text: 'x'.repeat(100) }))
    expect(metrics.snapshot().jobsByStatus).toEqual({ queued: 0, running: 1, waiting: 1 })
    metrics.recordEvent('a', event({ type: 'job-end', status: 'failed', error: { code: 'upstream-timeout', message: 'slow' }, metrics: emptyMetrics() }))
    const snapshot = metrics.snapshot()
    expect(snapshot.jobsByStatus).toEqual({ queued: 0, running: 0, waiting: 1 })
    expect(snapshot.counters).toMatchObject({
      'jobs_started_total': 2,
      'jobs_ended_total{status="failed"}': 1,
      'upstream_errors_total{code="upstream-timeout"}': 1,
      'events_committed_total{type="job-status"}': 3,
    })
    expect(snapshot.histograms.delta_batch_chars).toMatchObject({ count: 1, sum: 100, buckets: { 64: 0, 256: 1, '+Inf': 1 } })
    metrics.forgetJob('b')
    expect(metrics.snapshot().jobsByStatus.waiting).toBe(0)
  })

  it('times the end of every run of this instance: run duration, and time to first token when a token came', () => {
    const metrics = createMetrics()
    for (const jobId of ['a', 'b', 'c']) metrics.startRun(jobId, 'running')
    metrics.recordEvent('a', event({ type: 'job-end', status: 'completed', metrics: { ...emptyMetrics(), duration_ms: 12_000, first_token_ms: 400 } }))
    metrics.recordEvent('b', event({ type: 'job-end', status: 'failed', error: { code: 'upstream-timeout', message: 'slow' }, metrics: { ...emptyMetrics(), duration_ms: 700, first_token_ms: null } }))
    // An end without metrics (written by an older version) is counted, not timed.
    metrics.recordEvent('c', event({ type: 'job-end', status: 'aborted' }))
    // An end written here for a job that ran elsewhere (recovery after its owner was lost): counted, not timed.
    metrics.recordEvent('d', event({ type: 'job-end', status: 'failed', error: { code: 'owner-lost', message: 'lost' }, metrics: emptyMetrics() }))
    const { histograms, counters } = metrics.snapshot()
    expect(histograms.job_duration_ms).toMatchObject({ count: 2, sum: 12_700, buckets: { 1000: 1, 5000: 1, 15000: 2, '+Inf': 2 } })
    expect(histograms.time_to_first_token_ms).toMatchObject({ count: 1, sum: 400, buckets: { 250: 0, 500: 1, '+Inf': 1 } })
    expect(counters['jobs_ended_total{status="aborted"}']).toBe(1)
    expect(counters['jobs_ended_total{status="failed"}']).toBe(2)
  })

  it('a one-label counter for hot paths adds to the same series as increment, also after a reset', () => {
    const metrics = createMetrics()
    const countSent = metrics.labeledCounter('events_sent_total', 'event')
    expect(metrics.labeledCounter('events_sent_total', 'event')).toBe(countSent)
    countSent('text-delta')
    countSent('text-delta')
    metrics.increment('events_sent_total', { event: 'text-delta' })
    countSent('job-end')
    expect(metrics.snapshot().counters).toMatchObject({ 'events_sent_total{event="text-delta"}': 3, 'events_sent_total{event="job-end"}': 1 })
    metrics.reset()
    countSent('job-end')
    expect(metrics.snapshot().counters['events_sent_total{event="job-end"}']).toBe(1)
    expect(metrics.snapshot().counters['events_sent_total{event="text-delta"}']).toBeUndefined()
  })

  it('formats Prometheus text: typed counters, histogram buckets, gauges in snake case', () => {
    const metrics = createMetrics()
    metrics.increment('jobs_ended_total', { status: 'completed' }, 2)
    metrics.observe('delta_batch_chars', 10)
    const text = toPrometheusText(metrics.snapshot(), { engine_runs: 0, openStreams: 3 })
    expect(text).toContain('# HELP background_jobs_jobs_ended_total Jobs that ended on this instance, by status (completed, failed, aborted).\n# TYPE background_jobs_jobs_ended_total counter\nbackground_jobs_jobs_ended_total{status="completed"} 2\n')
    expect(text).toContain('background_jobs_delta_batch_chars_bucket{le="16"} 1')
    expect(text).toContain('background_jobs_delta_batch_chars_count 1')
    expect(text).toContain('background_jobs_jobs{status="running"} 0')
    expect(text).toContain('# TYPE background_jobs_open_streams gauge\nbackground_jobs_open_streams 3')
    expect(text).toContain('# TYPE background_jobs_engine_runs gauge\nbackground_jobs_engine_runs 0')
    expect(text.endsWith('\n')).toBe(true)
  })

  it('gives every exported metric a # HELP line from the catalog, right before its # TYPE line', async () => {
    const metrics = createMetrics()
    // Every counter under its declared labels (the registry's types take the labels of one name at a time).
    const increment = metrics.increment as (name: CounterName, labels?: Record<string, string>) => void
    for (const name of Object.keys(COUNTER_HELP) as CounterName[]) increment(name, Object.fromEntries(METRIC_LABELS[name].map(label => [label, 'x'])))
    metrics.observe('delta_batch_chars', 10)
    const { engine } = createTestEngine({ runners: { chat: async () => {} } })
    const lines = toPrometheusText(metrics.snapshot(), engineGauges(engine.stats(), 0)).split('\n')
    const catalog = new Set<string>([...Object.values(COUNTER_HELP), ...Object.values(HISTOGRAM_HELP), ...Object.values(GAUGE_HELP), ...Object.values(ENGINE_GAUGE_HELP)])
    const typeLines = lines.filter(line => line.startsWith('# TYPE '))
    expect(typeLines).toHaveLength(Object.keys(COUNTER_HELP).length + 1 + 1 + Object.keys(engine.stats()).length + 1)
    const helped = new Set<string>()
    lines.forEach((line, index) => {
      if (!line.startsWith('# TYPE ')) return
      const name = line.split(' ')[2]!
      const help = /^# HELP (\S+) (.+)$/.exec(lines[index - 1] ?? '')
      expect(help?.[1], `${name} has no # HELP line`).toBe(name)
      expect(catalog.has(help![2]!), `${name}: "${help![2]}" is not from the catalog`).toBe(true)
      helped.add(name)
    })
    // Every sample belongs to a declared metric.
    for (const line of lines.filter(line => line && !line.startsWith('#'))) {
      const sample = line.split(/[{ ]/)[0]!
      expect(helped.has(sample) || helped.has(sample.replace(/_(bucket|sum|count)$/, '')), line).toBe(true)
    }
    await engine.dispose()
  })

  it('docs/metrics.md lists every exported metric by its name', () => {
    const docs = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8')
    const { engine } = createTestEngine({ runners: { chat: async () => {} } })
    const names = [
      ...Object.keys(COUNTER_HELP),
      ...Object.keys(HISTOGRAM_HELP),
      ...Object.keys(GAUGE_HELP),
      ...Object.keys(engineGauges(engine.stats(), 0)),
    ]
    void engine.dispose()
    expect(names.filter(name => !docs.includes(`\`${name}`))).toEqual([])
  })

  it('docs/metrics.md lists the histogram buckets the registry uses', () => {
    const docs = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8')
    const listed = /upper bounds, as Prometheus expects: (.+?),\s*`"\+Inf"`/s.exec(docs)?.[1]
    expect(listed?.match(/\d+/g)?.map(Number)).toEqual([...BATCH_CHARS_BUCKETS])
    const bucketsOf = (name: string) => new RegExp(`\`${name}\` buckets \\(ms\\): (.+?),\\s*\`"\\+Inf"\``, 's').exec(docs)?.[1]?.match(/\d+/g)?.map(Number)
    expect(bucketsOf('job_duration_ms')).toEqual([...JOB_DURATION_MS_BUCKETS])
    expect(bucketsOf('time_to_first_token_ms')).toEqual([...FIRST_TOKEN_MS_BUCKETS])
    const providerBuckets = /`provider_call_ms` buckets \(ms\): (.+?),\s*`"\+Inf"`/s.exec(docs)?.[1]?.match(/[\d.]+/g)?.map(Number)
    expect(providerBuckets).toEqual([...PROVIDER_CALL_MS_BUCKETS])
    expect(bucketsOf('tool_run_ms')).toEqual([...TOOL_RUN_MS_BUCKETS])
    expect(bucketsOf('tool_isolation_wait_ms')).toEqual([...TOOL_ISOLATION_WAIT_MS_BUCKETS])
  })
})
