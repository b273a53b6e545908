/**
 * The metrics route's Prometheus text is valid exposition, checked by a strict parser
 * (tests/support/prometheus-parser.ts): HELP and TYPE once per family and before its samples,
 * each family's lines together, label values escaped, and per label set of a histogram its
 * `_bucket{le=…}` lines ascending and cumulative up to `+Inf`, then `_sum` and `_count`.
 */
import { describe, expect, it } from 'vitest'
import { COUNTER_HELP, HISTOGRAM_HELP, METRIC_LABELS } from '../../server/lib/metric-help'
import type { CounterName } from '../../server/lib/metric-help'
import { MAX_REGISTERED_LABEL_VALUES } from '../../server/lib/metric-labels'
import { createMetrics, HISTOGRAM_BUCKETS } from '../../server/lib/metrics'
import type { Metrics, UnlabeledHistogramName } from '../../server/lib/metrics'
import { engineGauges, PROMETHEUS_PREFIX, toPrometheusText } from '../../server/lib/prometheus'
import { createTestEngine } from '../support/engine-harness'
import { parsePrometheusText } from '../support/prometheus-parser'

/** Records every counter under its declared labels, with the given label values. */
function countEverything(metrics: Metrics, values: string[]): void {
  for (const name of Object.keys(COUNTER_HELP) as CounterName[]) {
    for (const value of values) {
      const labels = Object.fromEntries(METRIC_LABELS[name].map(label => [label, value]))
      ;(metrics.increment as (name: CounterName, labels?: Record<string, string>) => void)(name, METRIC_LABELS[name].length ? labels : undefined)
    }
  }
}

async function exposition(metrics: Metrics): Promise<string> {
  const { engine } = createTestEngine({ runners: { chat: async () => {} } })
  const text = toPrometheusText(metrics.snapshot(), { ...engineGauges(engine.stats(), 2), process_heap_used_bytes: 1, process_rss_bytes: 2 })
  await engine.dispose()
  return text
}

describe('Prometheus exposition', () => {
  it('every counter, histogram (with and without labels) and gauge parses strictly', async () => {
    const metrics = createMetrics()
    // Hostile values (quotes, backslashes, line breaks, braces) end up as "other", never raw.
    countEverything(metrics, ['completed', 'a"b', 'back\\slash', 'line\nbreak', 'x}y{z'])
    for (const name of Object.keys(HISTOGRAM_HELP)) {
      if (METRIC_LABELS[name as keyof typeof METRIC_LABELS].length) continue
      // Values on both sides of every bound, 2.5 included (a record puts it after 5000).
      for (const bound of HISTOGRAM_BUCKETS[name as UnlabeledHistogramName]) {
        metrics.observe(name as UnlabeledHistogramName, bound * 0.9)
        metrics.observe(name as UnlabeledHistogramName, bound * 1.1)
      }
    }
    const observeTool = metrics.labeledHistogram('tool_run_ms')
    observeTool(3, 'lookup', 'completed')
    observeTool(400, 'lookup', 'completed')
    observeTool(70_000, 'weather', 'timeout')
    observeTool(12, 'we"ird', 'error')
    metrics.labeledHistogram('provider_call_ms')(2, 'heartbeatLease')
    metrics.labeledHistogram('model_first_token_ms')(300, 'openai/gpt-4o-mini')
    metrics.labeledHistogram('tool_isolation_wait_ms')(120, 'render', 'started')

    const families = parsePrometheusText(await exposition(metrics))
    for (const name of [...Object.keys(COUNTER_HELP), ...Object.keys(HISTOGRAM_HELP)]) {
      const family = families.get(PROMETHEUS_PREFIX + name)
      expect(family, name).toBeDefined()
      expect(family!.help, name).toBeTruthy()
      expect(family!.type, name).toBe(name in COUNTER_HELP ? 'counter' : 'histogram')
      // Each sample carries exactly the declared labels (plus le on buckets).
      for (const sample of family!.samples) {
        const labels = Object.keys(sample.labels).filter(label => label !== 'le').sort()
        expect(labels, `${sample.name}`).toEqual([...METRIC_LABELS[name as keyof typeof METRIC_LABELS]].sort())
      }
    }
    const toolRuns = families.get(`${PROMETHEUS_PREFIX}tool_run_ms`)!
    const counts = toolRuns.samples.filter(sample => sample.name.endsWith('_count')).map(sample => [sample.labels, sample.value])
    expect(counts).toEqual([
      [{ status: 'completed', tool: 'lookup' }, 2],
      [{ status: 'error', tool: 'other' }, 1],
      [{ status: 'timeout', tool: 'weather' }, 1],
    ])
    const lookupBuckets = toolRuns.samples.filter(sample => sample.name.endsWith('_bucket') && sample.labels.tool === 'lookup')
    expect(lookupBuckets.map(sample => sample.labels.le)).toEqual([...HISTOGRAM_BUCKETS.tool_run_ms.map(String), '+Inf'])
    expect(lookupBuckets.find(sample => sample.labels.le === '10')!.value).toBe(1)
    expect(lookupBuckets.find(sample => sample.labels.le === '500')!.value).toBe(2)
    const providerBounds = families.get(`${PROMETHEUS_PREFIX}provider_call_ms`)!.samples.filter(sample => sample.name.endsWith('_bucket')).map(sample => sample.labels.le)
    expect(providerBounds.slice(0, 3)).toEqual(['1', '2.5', '5'])
  })

  it('keeps each family together whatever the names: one that prefixes another is not split', () => {
    const metrics = createMetrics()
    metrics.increment('jobs_ended_total', { status: 'completed' })
    metrics.increment('jobs_started_total')
    metrics.increment('jobs_ended_total', { status: 'failed' })
    const snapshot = metrics.snapshot()
    // A counter with and without labels, and a name that extends another (sorts between them).
    snapshot.counters.viewers_attached_total = 1
    snapshot.counters['viewers_attached_total_extra'] = 1
    snapshot.counters['viewers_attached_total{kind="x"}'] = 1
    expect(() => parsePrometheusText(toPrometheusText(snapshot, {}))).not.toThrow()
  })

  it('the parser refuses what a scraper would: buckets out of order, a split family, a bad escape, TYPE twice, +Inf ≠ count', () => {
    const head = '# HELP h h\n# TYPE h histogram\n'
    const bad = {
      outOfOrder: `${head}h_bucket{le="5"} 1\nh_bucket{le="2.5"} 1\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n`,
      notCumulative: `${head}h_bucket{le="1"} 2\nh_bucket{le="2"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n`,
      noInf: `${head}h_bucket{le="1"} 1\nh_sum 1\nh_count 1\n`,
      countDiffers: `${head}h_bucket{le="+Inf"} 1\nh_sum 1\nh_count 2\n`,
      noSum: `${head}h_bucket{le="+Inf"} 1\nh_count 1\n`,
      split: '# TYPE a counter\na 1\n# TYPE b counter\nb 1\na{x="1"} 1\n',
      badEscape: '# TYPE a counter\na{x="\\q"} 1\n',
      unescapedQuote: '# TYPE a counter\na{x="a"b"} 1\n',
      typeTwice: '# TYPE a counter\n# TYPE a counter\na 1\n',
      duplicate: '# TYPE a counter\na{x="1"} 1\na{x="1"} 2\n',
      // Per label set: set b's +Inf is not its _count; set a has no _sum.
      labelSetCount: `${head}h_bucket{k="a",le="+Inf"} 1\nh_bucket{k="b",le="+Inf"} 2\nh_sum{k="a"} 1\nh_count{k="a"} 1\nh_sum{k="b"} 1\nh_count{k="b"} 1\n`,
      labelSetSum: `${head}h_bucket{k="a",le="+Inf"} 1\nh_bucket{k="b",le="+Inf"} 1\nh_count{k="a"} 1\nh_sum{k="b"} 1\nh_count{k="b"} 1\n`,
    }
    for (const [what, text] of Object.entries(bad)) expect(() => parsePrometheusText(text), what).toThrow()
    expect(() => parsePrometheusText(`${head}h_bucket{k="v",le="1"} 0\nh_bucket{k="v",le="+Inf"} 1\nh_sum{k="v"} 3\nh_count{k="v"} 1\n`)).not.toThrow()
  })
})

describe('labeled histograms', () => {
  it('one function per histogram; each label set is its own series; values are bounded like counter labels', () => {
    const metrics = createMetrics()
    const observe = metrics.labeledHistogram('tool_run_ms')
    expect(metrics.labeledHistogram('tool_run_ms')).toBe(observe)
    // `tool` is a label of registered names: bounded at MAX_REGISTERED_LABEL_VALUES, not the codes' 64.
    for (let index = 0; index < MAX_REGISTERED_LABEL_VALUES + 10; index++) observe(1, `tool_${index}`, 'completed')
    observe(Number.NaN, 'lookup', 'completed')
    const keys = Object.keys(metrics.snapshot().histograms)
    expect(keys).toHaveLength(MAX_REGISTERED_LABEL_VALUES + 1)
    expect(metrics.snapshot().histograms['tool_run_ms{status="completed",tool="other"}']?.count).toBe(10)
    expect(keys.some(key => key.includes('lookup'))).toBe(false)
  })

  it('keeps counting after a reset (the cached label set is not a stale series)', () => {
    const metrics = createMetrics()
    const observe = metrics.labeledHistogram('tool_run_ms')
    observe(5, 'lookup', 'completed')
    metrics.reset()
    observe(7, 'lookup', 'completed')
    expect(metrics.snapshot().histograms['tool_run_ms{status="completed",tool="lookup"}']).toMatchObject({ count: 1, sum: 7 })
  })
})
