/**
 * An isolation worker reports ten ignored errors a second one by one and counts the rest; docs/tool-isolation.md
 * says the counts go out "when the next second starts or its turn ends". They went out only when a
 * later error came after the window, or at the end of the worker's next turn: a burst after a call's
 * turn (a leftover interval that throws for a while, then stops) left its count in the worker until
 * its next call ended — hours later on a quiet instance, logged then — or for ever once the worker
 * idled out, and tool_stray_errors_total missed those errors meanwhile.
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

const report = (message: string): StrayErrorReport => ({ tool: 't', jobId: 'j', kind: 'uncaughtException', message })

describe('the counts of a burst of stray errors', () => {
  it('go out when the window ends, with no later error and no turn end', () => {
    const sent: StrayErrorReport[] = []
    const limit = createStrayReportLimit((_channel, sentReport) => sent.push(sentReport), () => Date.now())
    for (let index = 0; index < STRAY_REPORTS_PER_WINDOW + 3; index++) {
      limit.report('c', report(`e${index}`))
      vi.advanceTimersByTime(1)
    }
    expect(sent).toHaveLength(STRAY_REPORTS_PER_WINDOW)
    vi.advanceTimersByTime(STRAY_REPORT_WINDOW_MS)
    expect(sent.slice(STRAY_REPORTS_PER_WINDOW)).toEqual([{ ...report(`e${STRAY_REPORTS_PER_WINDOW + 2}`), suppressed: 3 }])
    // Nothing is sent twice: a flush at the turn's end and the next window find nothing held.
    limit.flush()
    limit.report('c', report('next'))
    expect(sent.slice(STRAY_REPORTS_PER_WINDOW + 1)).toEqual([report('next')])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a flush at the turn\'s end clears the pending window-end flush (no timer left behind)', () => {
    const sent: StrayErrorReport[] = []
    const limit = createStrayReportLimit((_channel, sentReport) => sent.push(sentReport), () => Date.now())
    for (let index = 0; index < STRAY_REPORTS_PER_WINDOW + 1; index++) limit.report('c', report(`e${index}`))
    limit.flush()
    expect(sent).toHaveLength(STRAY_REPORTS_PER_WINDOW + 1)
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(STRAY_REPORT_WINDOW_MS)
    expect(sent).toHaveLength(STRAY_REPORTS_PER_WINDOW + 1)
  })
})
