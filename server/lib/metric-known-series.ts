/**
 * The series /metrics exports from the start, at 0. A counter's series otherwise appears only at
 * its first count, and Prometheus reads a series that appears already at 1 as no increase: an
 * alert on `increase(…jobs_ended_total{status="failed"}[5m]) > 0` missed the first failure after
 * every start, and a dashboard showed "no data" rather than 0. Counters without labels, counters
 * whose one label has a fixed set of values, and histograms without labels are known in advance;
 * error codes, tools and operations are not (they appear with their first count).
 */
import { HISTOGRAM_BUCKETS, metricKey } from './metrics'
import type { HistogramSnapshot, MetricsSnapshot } from './metrics'
import type { CounterName, HistogramName } from './metric-help'
import { COUNTER_HELP, HISTOGRAM_HELP, METRIC_LABELS } from './metric-help'
import { RATE_LIMITS } from './rate-limit'
import { MODEL_RETRY_REASONS } from './model/retry-metrics'
import { CUT_STREAMS, STREAM_CUT_REASONS } from './http/sse-sink'
import { TERMINAL_STATUSES } from '../../shared/events'
import { START_FAILURE_REASONS } from './start-failure'

/**
 * Why a run on this instance stopped without writing its job's end (`runs_handed_off_total{cause}`):
 * its lease lapsed and another instance took the job (`lease-lost`), the store refused its writes
 * (`write-refused`) or its end (`end-refused`), or a shutdown handed it off (`shutdown`).
 */
export const HAND_OFF_CAUSES = ['lease-lost', 'write-refused', 'end-refused', 'shutdown'] as const

/** One of `HAND_OFF_CAUSES`. */
export type HandOffCause = (typeof HAND_OFF_CAUSES)[number]

/** The values of each counter whose one label has a fixed set of them (docs/metrics.md lists them). */
export const FIXED_LABEL_VALUES: { [Name in CounterName]?: readonly string[] } = {
  // The lists the counted values are typed from: a status or reason added there is here too.
  jobs_ended_total: TERMINAL_STATUSES,
  // The codes that end a job `aborted` (job-run.ts ABORTED_CODES; a test compares them).
  job_aborts_total: ['aborted', 'input-timeout'],
  jobs_refused_total: ['global-limit', 'user-limit', 'address-limit', 'rate'],
  // The 429 an alert is most often written on: the concurrency limits, the rate limits, the stream
  // caps, the refused-value budget, and `other` (a forwarded refusal that named no setting).
  requests_refused_total: ['maxConcurrentJobs', 'maxConcurrentJobsPerUser', 'maxConcurrentAnonymousJobsPerAddress', ...Object.values(RATE_LIMITS).map(limit => limit.setting), 'maxStreamsPerUser', 'maxAnonymousStreamsPerAddress', 'maxStreams', 'refusedValueProblems', 'other'],
  jobs_deleted_total: ['retention', 'user', 'evicted'],
  model_tokens_total: ['prompt', 'completion'],
  model_retries_total: MODEL_RETRY_REASONS,
  isolated_calls_stopped_total: ['signal', 'heap', 'exit'],
  isolated_calls_not_run_total: ['queue-full', 'yielded', 'queue-timeout'],
  runs_handed_off_total: HAND_OFF_CAUSES,
  notification_streams_cut_total: STREAM_CUT_REASONS,
  // An alert on a failed start sees the first one (at 0 from the process's start).
  start_failures_total: START_FAILURE_REASONS,
}

/**
 * The values of each label of the counters with more than one label, each with a fixed set: every
 * combination is a series. A takeover most often follows a deploy that started this instance (the
 * old one stopped without handing its jobs off): its first one after the start is the one to see.
 */
export const FIXED_LABEL_SETS: { [Name in CounterName]?: Readonly<Record<string, readonly string[]>> } = {
  lease_takeovers_total: { type: ['chat', 'workflow'], outcome: ['resumed', 'ended', 'already-ended'] },
  streams_cut_total: { stream: CUT_STREAMS, reason: STREAM_CUT_REASONS },
}

/** Every combination of one value per label. */
function combinations(sets: Readonly<Record<string, readonly string[]>>): Array<Record<string, string>> {
  return Object.entries(sets).reduce<Array<Record<string, string>>>(
    (partial, [label, values]) => partial.flatMap(labels => values.map(value => ({ ...labels, [label]: value }))),
    [{}],
  )
}

/** Every series known in advance, at 0. */
function zeroSeries(): Pick<MetricsSnapshot, 'counters' | 'histograms'> {
  const counters: Record<string, number> = {}
  for (const name of Object.keys(COUNTER_HELP) as CounterName[]) {
    const labels: readonly string[] = METRIC_LABELS[name]
    const values = FIXED_LABEL_VALUES[name]
    if (labels.length === 0) counters[name] = 0
    else if (labels.length === 1 && values) for (const value of values) counters[metricKey(name, { [labels[0]!]: value })] = 0
    const sets = FIXED_LABEL_SETS[name]
    if (sets) for (const combination of combinations(sets)) counters[metricKey(name, combination)] = 0
  }
  const histograms: Record<string, HistogramSnapshot> = {}
  for (const name of Object.keys(HISTOGRAM_HELP) as HistogramName[]) {
    if (METRIC_LABELS[name].length > 0) continue
    const buckets: Record<string, number> = Object.fromEntries(HISTOGRAM_BUCKETS[name].map(bound => [String(bound), 0]))
    buckets['+Inf'] = 0
    histograms[name] = { buckets, count: 0, sum: 0 }
  }
  return { counters, histograms }
}

/** The snapshot with every series known in advance that has no count yet, at 0. */
export function withKnownSeries(snapshot: MetricsSnapshot): MetricsSnapshot {
  const zero = zeroSeries()
  return { ...snapshot, counters: { ...zero.counters, ...snapshot.counters }, histograms: { ...zero.histograms, ...snapshot.histograms } }
}
