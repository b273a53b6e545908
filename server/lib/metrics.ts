/**
 * The ops counters of this process: monotonic counters with labels, a few histograms and the
 * live status of each running job. One registry per process (`useMetrics()`); the engine feeds it
 * from committed events, the metrics route reads it as JSON or Prometheus text.
 */
import type { JobEvent, JobStatus } from '../../shared/events'
import type { CounterName, HistogramName, MetricLabelName, MetricLabels } from './metric-help'
import { METRIC_LABELS } from './metric-help'
import { createLabelBound, labelValuePattern, maxLabelValues } from './metric-labels'

/** Histogram bucket bounds (upper bounds, characters) for the characters merged into one text event. */
export const BATCH_CHARS_BUCKETS = [16, 64, 256, 1024, 4096, 16_384] as const

/** Bucket bounds (ms) of a job run's duration: seconds for a chat answer, up to an hour for a workflow that waited for a human. */
export const JOB_DURATION_MS_BUCKETS = [1_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 900_000, 3_600_000] as const

/** Bucket bounds (ms) of the time to a job's first text or reasoning token. */
export const FIRST_TOKEN_MS_BUCKETS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000] as const

/** Bucket bounds (ms) of one call to the shared job store. */
export const PROVIDER_CALL_MS_BUCKETS = [1, 2.5, 5, 10, 25, 50, 100, 250, 1_000, 5_000] as const

/** Bucket bounds (ms) of one tool call's execution: a quick lookup up to a long-running tool near its time limit. */
export const TOOL_RUN_MS_BUCKETS = [10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000] as const

/**
 * Bucket bounds (ms) of an isolated call's wait for a worker: 0 to a few ms while a worker is free,
 * seconds behind busy ones, up to `isolation.queueTimeoutMs` (30 s by default) and past it when raised.
 */
export const TOOL_ISOLATION_WAIT_MS_BUCKETS = [1, 5, 10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000] as const

/** The bucket bounds of each histogram (docs/metrics.md lists them). */
export const HISTOGRAM_BUCKETS: Record<HistogramName, readonly number[]> = {
  delta_batch_chars: BATCH_CHARS_BUCKETS,
  job_duration_ms: JOB_DURATION_MS_BUCKETS,
  time_to_first_token_ms: FIRST_TOKEN_MS_BUCKETS,
  provider_call_ms: PROVIDER_CALL_MS_BUCKETS,
  tool_run_ms: TOOL_RUN_MS_BUCKETS,
  model_first_token_ms: FIRST_TOKEN_MS_BUCKETS,
  tool_isolation_wait_ms: TOOL_ISOLATION_WAIT_MS_BUCKETS,
}

/** Histograms recorded without labels (`observe`); the others through `labeledHistogram`. */
export type UnlabeledHistogramName = { [Name in HistogramName]: MetricLabelName<Name> extends never ? Name : never }[HistogramName]

/** Histograms with labels. */
export type LabeledHistogramName = Exclude<HistogramName, UnlabeledHistogramName>

/** The arguments of `increment` after the name: the labels when the counter has any, then the amount. */
type IncrementArguments<Name extends CounterName> = [MetricLabelName<Name>] extends [never]
  ? [labels?: undefined, by?: number]
  : [labels: MetricLabels<Name>, by?: number]

/** One string per label name of a tuple of label names. */
type LabelValues<Labels> = Labels extends readonly [unknown, ...infer Rest] ? [string, ...LabelValues<Rest>] : []

/** Observes one value into the series of the given label values (in `METRIC_LABELS` order). */
export type LabeledObserve<Name extends HistogramName> = (value: number, ...labelValues: LabelValues<(typeof METRIC_LABELS)[Name]>) => void

/** A histogram series: cumulative counts per upper bound, plus count and sum. */
interface HistogramSeries {
  bounds: readonly number[]
  counts: number[]
  count: number
  sum: number
}

/** Cached series keys of a labeled histogram, one level per label value: raw values → key. */
interface KeyTree {
  children: Map<string, KeyTree>
  key?: string
}

/** A histogram: cumulative counts per upper bound, plus count and sum. */
export interface HistogramSnapshot {
  buckets: Record<string, number>
  count: number
  sum: number
}

/** Everything the registry holds, as plain JSON. */
export interface MetricsSnapshot {
  /** `name{label="value"}` → count. */
  counters: Record<string, number>
  /** `name` or `name{label="value"}` → its buckets, count and sum. */
  histograms: Record<string, HistogramSnapshot>
  /** Jobs that run on this instance, by their current status. */
  jobsByStatus: Record<string, number>
}

/** Formats a counter key: `name` or `name{a="1",b="2"}` (labels sorted, so keys are stable). */
export function metricKey(name: string, labels: Record<string, string> = {}): string {
  const parts = Object.keys(labels).sort().map(key => `${key}="${String(labels[key]).replace(/["\\\n]/g, '_')}"`)
  return parts.length ? `${name}{${parts.join(',')}}` : name
}

/** Creates a registry (tests make their own; the process uses `useMetrics()`). */
export function createMetrics() {
  const counters = new Map<string, number>()
  // Series key (`name` or `name{labels}`) → series.
  const histograms = new Map<string, HistogramSeries>()
  const liveStatus = new Map<string, JobStatus>()

  // Label values per counter and label, bounded (metric-labels.ts): name\nlabel → bound.
  const labelBounds = new Map<string, (value: string) => string>()
  function bounded(name: string, label: string, value: string): string {
    const id = `${name}\n${label}`
    let bound = labelBounds.get(id)
    if (!bound) labelBounds.set(id, bound = createLabelBound(maxLabelValues(label), labelValuePattern(label)))
    return bound(String(value))
  }

  // Keys of one-label counters (name → label → value → key), built once: the stream route counts
  // every frame it sends. Only bounded values get a key, so these maps stay small too.
  const singleLabelKeys = new Map<string, Map<string, Map<string, string>>>()

  function keyOf(name: string, labels?: Record<string, string>): string {
    if (!labels) return name
    let label: string | undefined
    for (const key in labels) {
      if (label !== undefined) return metricKey(name, Object.fromEntries(Object.entries(labels).map(([key, value]) => [key, bounded(name, key, value)])))
      label = key
    }
    if (label === undefined) return name
    const value = bounded(name, label, labels[label]!)
    let byLabel = singleLabelKeys.get(name)
    if (!byLabel) singleLabelKeys.set(name, byLabel = new Map())
    let byValue = byLabel.get(label)
    if (!byValue) byLabel.set(label, byValue = new Map())
    let key = byValue.get(value)
    if (key === undefined) byValue.set(value, key = metricKey(name, { [label]: value }))
    return key
  }

  function increment<Name extends CounterName>(name: Name, ...[labels, by = 1]: IncrementArguments<Name>): void {
    // Counters only go up: Prometheus reads a decrease as a restart and counts the whole value again.
    if (!Number.isFinite(by) || by <= 0) return
    const key = keyOf(name, labels as Record<string, string> | undefined)
    counters.set(key, (counters.get(key) ?? 0) + by)
  }

  const labeledCounters = new Map<string, (value: string) => void>()

  /**
   * A counter with one label for hot paths (every frame sent, every event committed): adds one to
   * `name{label="value"}` without building a labels object or its key each time.
   */
  function labeledCounter<Name extends CounterName>(name: Name, label: MetricLabelName<Name>): (value: string) => void {
    const id = `${name}\n${label}`
    let count = labeledCounters.get(id)
    if (count) return count
    const keys = new Map<string, string>()
    count = (value) => {
      let key = keys.get(value)
      if (key === undefined) {
        const kept = bounded(name, label, value)
        key = metricKey(name, { [label]: kept })
        if (kept === value) keys.set(value, key)
      }
      counters.set(key, (counters.get(key) ?? 0) + 1)
    }
    labeledCounters.set(id, count)
    return count
  }

  const countCommitted = labeledCounter('events_committed_total', 'type')

  function add(key: string, name: HistogramName, value: number): void {
    let series = histograms.get(key)
    if (!series) {
      const bounds = HISTOGRAM_BUCKETS[name]
      histograms.set(key, series = { bounds, counts: bounds.map(() => 0), count: 0, sum: 0 })
    }
    series.count++
    series.sum += value
    for (let index = 0; index < series.bounds.length; index++) {
      if (value <= series.bounds[index]!) series.counts[index]!++
    }
  }

  /** Observes a value into a histogram without labels. */
  function observe(name: UnlabeledHistogramName, value: number): void {
    if (Number.isFinite(value)) add(name, name, value)
  }

  const labeledHistograms = new Map<string, LabeledObserve<LabeledHistogramName>>()

  /**
   * A histogram with labels (`METRIC_LABELS`): returns a function that observes a value under the
   * given label values. Each label set's key is built once and cached by its raw values (only
   * values kept as they are: a value counted as `other` is looked up again, so the cache stays
   * as bounded as the series).
   */
  function labeledHistogram<Name extends LabeledHistogramName>(name: Name): LabeledObserve<Name> {
    let observeLabeled = labeledHistograms.get(name)
    if (observeLabeled) return observeLabeled as LabeledObserve<Name>
    const labelNames: readonly string[] = METRIC_LABELS[name]
    const root: KeyTree = { children: new Map() }
    const keyOfValues = (values: readonly string[]): string => {
      let node: KeyTree | undefined = root
      for (let index = 0; index < values.length && node; index++) node = node.children.get(values[index]!)
      if (node?.key !== undefined) return node.key
      const labels: Record<string, string> = {}
      let allKept = true
      labelNames.forEach((label, index) => {
        const value = String(values[index])
        const kept = bounded(name, label, value)
        if (kept !== value) allKept = false
        labels[label] = kept
      })
      const key = metricKey(name, labels)
      if (allKept) {
        let parent = root
        for (const value of values) {
          let child = parent.children.get(value)
          if (!child) parent.children.set(value, child = { children: new Map() })
          parent = child
        }
        parent.key = key
      }
      return key
    }
    observeLabeled = (value, ...labelValues) => {
      if (Number.isFinite(value)) add(keyOfValues(labelValues), name, value)
    }
    labeledHistograms.set(name, observeLabeled)
    return observeLabeled as LabeledObserve<Name>
  }

  /** Counts what one committed event says about the job (called for every event on this instance). */
  function recordEvent(jobId: string, event: JobEvent): void {
    countCommitted(event.type)
    switch (event.type) {
      case 'job-status':
        if (event.status === 'running' && !liveStatus.has(jobId)) increment('jobs_started_total')
        liveStatus.set(jobId, event.status)
        break
      case 'text-delta':
      case 'reasoning-delta':
        observe('delta_batch_chars', event.text.length)
        break
      case 'job-end': {
        // An end this instance wrote for a job that ran elsewhere (recovery after its owner was
        // lost) has no run behind it here: counted, not timed (its metrics are empty, not 0 ms).
        const ranHere = liveStatus.delete(jobId)
        increment('jobs_ended_total', { status: event.status })
        // A user's abort (or a question's onTimeout abort) is not an error: an error-rate alert
        // must not page on Stop (docs/metrics.md).
        if (event.error?.code) increment(event.status === 'aborted' ? 'job_aborts_total' : 'job_errors_total', { code: event.error.code })
        if (event.error?.code.startsWith('upstream')) increment('upstream_errors_total', { code: event.error.code })
        if (!ranHere) break
        // An end written by an older version may lack metrics: counted above, not timed.
        observe('job_duration_ms', event.metrics?.duration_ms ?? Number.NaN)
        observe('time_to_first_token_ms', event.metrics?.first_token_ms ?? Number.NaN)
        break
      }
    }
  }

  /**
   * A run of the job starts on this instance: a new job, or one taken over from a lost owner (its
   * status is already `running` or `waiting`, so no `job-status` event would count it).
   */
  function startRun(jobId: string, status: JobStatus): void {
    if (!liveStatus.has(jobId)) increment('jobs_started_total')
    liveStatus.set(jobId, status)
  }

  /** Forgets a job that stopped here without `job-end` (taken over by another instance). */
  function forgetJob(jobId: string): void {
    liveStatus.delete(jobId)
  }

  function snapshot(): MetricsSnapshot {
    const jobsByStatus: Record<string, number> = { queued: 0, running: 0, waiting: 0 }
    for (const status of liveStatus.values()) jobsByStatus[status] = (jobsByStatus[status] ?? 0) + 1
    const histogramSnapshots: Record<string, HistogramSnapshot> = {}
    for (const [key, histogram] of histograms) {
      const buckets: Record<string, number> = {}
      histogram.bounds.forEach((bound, index) => {
        buckets[String(bound)] = histogram.counts[index]!
      })
      buckets['+Inf'] = histogram.count
      histogramSnapshots[key] = { buckets, count: histogram.count, sum: histogram.sum }
    }
    return { counters: Object.fromEntries(counters), histograms: histogramSnapshots, jobsByStatus }
  }

  function reset(): void {
    counters.clear()
    labelBounds.clear()
    singleLabelKeys.clear()
    histograms.clear()
    liveStatus.clear()
  }

  return { increment, labeledCounter, observe, labeledHistogram, recordEvent, startRun, forgetJob, snapshot, reset }
}

/** A metrics registry. */
export type Metrics = ReturnType<typeof createMetrics>

let processMetrics: Metrics | null = null

/** The registry of this process. */
export function useMetrics(): Metrics {
  processMetrics ??= createMetrics()
  return processMetrics
}
