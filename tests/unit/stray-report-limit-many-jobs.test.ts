/**
 * An isolation worker reports ten ignored errors a second one by one and counts the rest, one count
 * a second for each tool, job and kind (stray-report-limit.ts); docs/tool-isolation.md says that so a tool
 * whose timers keep throwing "floods neither the server's thread nor its log". But the counts were
 * kept by job with no bound: a tool that leaves a throwing timer behind in every call (one per job)
 * made a worker that had served 1,000 such calls send 1,000 reports — 1,000 error lines on the
 * server — every second, for ever, and what the worker held grew with every job. Past a bound, the
 * counts are now kept by tool and kind alone (no job id); every error is still counted.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createStrayReportLimit, STRAY_REPORT_WINDOW_MS, STRAY_REPORTS_PER_WINDOW } from '../../server/lib/isolation/stray-report-limit'
import type { StrayErrorReport } from '../../server/lib/isolation/stray-errors'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('the counts of stray errors from many jobs', () => {
  it('are a bounded number of reports a window, and still count every error', () => {
    const sent: StrayErrorReport[] = []
    const limit = createStrayReportLimit((_channel, report) => sent.push(report), () => Date.now())
    const jobs = 1_000
    for (let second = 0; second < 3; second++) {
      const before = sent.length
      for (let job = 0; job < jobs; job++) {
        for (const kind of ['uncaughtException', 'unhandledRejection'] as const) limit.report('c', { tool: 't', jobId: `job-${job}`, kind, message: `e${job}` })
      }
      vi.advanceTimersByTime(STRAY_REPORT_WINDOW_MS)
      const window = sent.slice(before)
      // Ten one by one, then counts for at most ten by job (STRAY_COUNTS_BY_JOB), and one by tool for each kind.
      expect(window.length).toBeLessThanOrEqual(2 * STRAY_REPORTS_PER_WINDOW + 2)
      expect(window.reduce((sum, report) => sum + (report.suppressed ?? 1), 0)).toBe(2 * jobs)
    }
    expect(sent.filter(report => report.jobId === null).map(report => report.kind).sort()).toEqual(['uncaughtException', 'uncaughtException', 'uncaughtException', 'unhandledRejection', 'unhandledRejection', 'unhandledRejection'])
    expect(vi.getTimerCount()).toBe(0)
  })
})
