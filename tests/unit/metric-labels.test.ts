/**
 * Label values stay a small, safe set (server/lib/metric-labels.ts, docs/metrics.md): a
 * workflow node's error carries any `code` it likes, and that code names the job's error — 10,000
 * distinct codes, free text or quotes and line breaks must not make 10,000 series.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { createMetrics, useMetrics } from '../../server/lib/metrics'
import { MAX_LABEL_VALUES } from '../../server/lib/metric-labels'
import { toPrometheusText } from '../../server/lib/prometheus'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createTestEngine } from '../support/engine-harness'
import { parsePrometheusText } from '../support/prometheus-parser'

let seq = 0
const jobEnd = (code: string) => ({ type: 'job-end', status: 'failed', error: { code, message: 'x' }, metrics: emptyMetrics(), seq: ++seq, at: seq }) as JobEvent

const seriesOf = (counters: Record<string, number>, name: string) => Object.entries(counters).filter(([key]) => key.startsWith(`${name}{`))

describe('bounded label values', () => {
  it('10,000 distinct error codes make at most MAX_LABEL_VALUES series plus "other", and every end is counted', () => {
    const metrics = createMetrics()
    for (let index = 0; index < 10_000; index++) metrics.recordEvent(`job-${index}`, jobEnd(`db-row-${index}`))
    const { counters } = metrics.snapshot()
    const series = seriesOf(counters, 'job_errors_total')
    expect(series).toHaveLength(MAX_LABEL_VALUES + 1)
    expect(series.reduce((sum, [, value]) => sum + value, 0)).toBe(10_000)
    expect(counters['job_errors_total{code="other"}']).toBe(10_000 - MAX_LABEL_VALUES)
    // The codes the layer itself uses stay counted under their name, also after that flood.
    expect(counters['job_errors_total{code="db-row-0"}']).toBe(1)
  })

  it('free text, quotes, backslashes and line breaks are counted as "other"; the text stays valid Prometheus', () => {
    const metrics = createMetrics()
    for (const code of ['Cannot read properties of undefined (reading \'x\')', 'say "hi"', 'a\\b', 'line\nbreak', 'x'.repeat(500), '']) {
      metrics.recordEvent('job', jobEnd(code))
    }
    metrics.recordEvent('job', jobEnd('upstream-timeout'))
    const { counters } = metrics.snapshot()
    expect(seriesOf(counters, 'job_errors_total')).toEqual([['job_errors_total{code="other"}', 5], ['job_errors_total{code="upstream-timeout"}', 1]])
    // '' has no code: it is not counted as an error code at all.
    const families = parsePrometheusText(toPrometheusText(metrics.snapshot(), {}))
    expect(families.get('background_jobs_job_errors_total')!.samples.map(sample => sample.labels.code)).toEqual(['other', 'upstream-timeout'])
  })

  it('the hot-path counter is bounded too', () => {
    const metrics = createMetrics()
    const count = metrics.labeledCounter('events_sent_total', 'event')
    for (let index = 0; index < 1_000; index++) count(`type-${index}`)
    expect(seriesOf(metrics.snapshot().counters, 'events_sent_total')).toHaveLength(MAX_LABEL_VALUES + 1)
  })

  it('end to end: workflow jobs whose node throws a code per job stay within the bound', async () => {
    useMetrics().reset()
    const failing = defineWorkflow({
      name: 'failing',
      description: 'an output node that throws a code of its own',
      input: z.object({ row: z.number() }),
      nodes: {
        done: { kind: 'output', value: ({ input }) => {
          throw Object.assign(new Error('duplicate key'), { code: `row-${input.row}` })
        } },
      },
      edges: [],
    })
    const { engine } = createTestEngine({
      config: { limits: { maxConcurrentJobs: 1_000, maxConcurrentJobsPerUser: 1_000, createPerMinute: 0 } },
      runners: { chat: async () => {}, workflow: runWorkflowJob },
      workflows: createWorkflowRegistry([failing], { toolNames: [] }),
    })
    const jobs = MAX_LABEL_VALUES + 10
    for (let row = 0; row < jobs; row++) {
      const { job } = await engine.createJob('u1', { request: { type: 'workflow', workflow: 'failing', input: { row } } })
      await engine.whenSettled(job.id)
    }
    const { counters } = useMetrics().snapshot()
    expect(counters['jobs_ended_total{status="failed"}']).toBe(jobs)
    expect(seriesOf(counters, 'job_errors_total')).toHaveLength(MAX_LABEL_VALUES + 1)
    expect(counters['job_errors_total{code="other"}']).toBe(10)
    await engine.dispose()
    useMetrics().reset()
  })
})
