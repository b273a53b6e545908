/**
 * Each error an isolation worker ignores crosses to the server's thread and is logged there. A tool
 * that left timers throwing (a few hundred intervals, each throwing every millisecond) kept the
 * server's thread busy with them — measured: 99.7% of its event loop during a 2 s call in that
 * worker, every job of the instance stalled — while the worker never stopped. A worker now reports
 * ten a second one by one and counts the rest (stray-report-limit.ts): one line with the count.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createStrayReportLimit, STRAY_REPORT_WINDOW_MS, STRAY_REPORTS_PER_WINDOW } from '../../server/lib/isolation/stray-report-limit'
import type { StrayErrorReport } from '../../server/lib/isolation/stray-errors'
import { useMetrics } from '../../server/lib/metrics'
import { useIsolationPools } from '../support/isolation-pools'
import { recordingLogger } from '../support/recording-logger'

const context = { userId: 'u', jobId: 'job-flood', threadId: null, step: 1 }

describe('a worker whose tool keeps raising errors after its call answered', () => {
  const pools = useIsolationPools()

  it('floods neither the server\'s thread nor its log: ten lines one by one, then one with the count; every error is counted', async () => {
    const { logger, lines } = recordingLogger()
    const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 } }), logger)
    const counted = () => useMetrics().snapshot().counters['tool_stray_errors_total{kind="unhandledRejection",tool="stray_burst"}'] ?? 0
    const before = counted()
    const { result } = await isolation.run({ name: 'stray_burst', args: { count: 1_000 }, context, timeoutMs: 60_000 }, new AbortController().signal)
    expect(result).toEqual({ answered: true })
    await expect.poll(counted, { timeout: 10_000, interval: 5 }).toBe(before + 1_000)
    const strayLines = lines.filter(line => line.fields?.tool === 'stray_burst')
    expect(strayLines).toHaveLength(STRAY_REPORTS_PER_WINDOW + 1)
    expect(strayLines.at(-1)).toMatchObject({
      level: 'error',
      message: expect.stringContaining('isolated tool "stray_burst" raised 990 more errors after its call had ended'),
      fields: { tool: 'stray_burst', jobId: 'job-flood', kind: 'unhandledRejection', error: 'stray 999', suppressed: 990 },
    })
  })
})

describe('the report limit', () => {
  const report = (jobId: string, message: string): StrayErrorReport => ({ tool: 't', jobId, kind: 'uncaughtException', message })

  it('reports one by one again in the next window, after the counts of the last one; counts by job', () => {
    let now = 0
    const sent: StrayErrorReport[] = []
    const limit = createStrayReportLimit((_channel, sentReport) => sent.push(sentReport), () => now)
    for (let index = 0; index < STRAY_REPORTS_PER_WINDOW + 3; index++) limit.report('c', report(index % 2 ? 'a' : 'b', `e${index}`))
    expect(sent).toHaveLength(STRAY_REPORTS_PER_WINDOW)
    now += STRAY_REPORT_WINDOW_MS
    limit.report('c', report('a', 'next window'))
    expect(sent.slice(STRAY_REPORTS_PER_WINDOW)).toEqual([
      { ...report('b', 'e12'), suppressed: 2 },
      { ...report('a', 'e11'), suppressed: 1 },
      report('a', 'next window'),
    ])
    limit.flush()
    expect(sent).toHaveLength(STRAY_REPORTS_PER_WINDOW + 3)
  })
})
