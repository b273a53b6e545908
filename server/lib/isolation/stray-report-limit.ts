/**
 * How often an isolation worker reports its ignored errors to the server. Each report crosses to
 * the server's thread and becomes a log line there: a tool that left timers throwing (a few
 * hundred intervals, each throwing every millisecond) would keep the server's thread busy with
 * them — every job of the instance stalled — while the worker, serving other calls, never stops.
 * So a worker reports `STRAY_REPORTS_PER_WINDOW` errors one by one per `STRAY_REPORT_WINDOW_MS`;
 * beyond that it counts them, by tool, job and kind, and sends one report for each with the count
 * (`suppressed`) and the last message, when the window ends (a timer, also with no later error)
 * or the worker's turn ends. Counts by job are kept for `STRAY_COUNTS_BY_JOB` of them a window;
 * the others' by tool and kind alone (`jobId` null): a tool that left a throwing timer in every
 * call (one per job) would otherwise have a worker that served thousands of calls send thousands
 * of reports — log lines on the server — every second.
 */
import type { StrayErrorReport } from './stray-errors'

/** The errors a worker reports one by one in a window. */
export const STRAY_REPORTS_PER_WINDOW = 10
export const STRAY_REPORT_WINDOW_MS = 1_000
/** The jobs a worker counts errors for, each on its own, in a window (the rest: by tool). */
export const STRAY_COUNTS_BY_JOB = 10

/** Reports through `send`, at most `STRAY_REPORTS_PER_WINDOW` one by one per window. */
export function createStrayReportLimit(send: (channel: string, report: StrayErrorReport) => void, now: () => number = () => performance.now()) {
  let windowStart = -Infinity
  let sent = 0
  // The counted ones: the report to send for each (its count so far, its last message).
  const held = new Map<string, { channel: string, report: StrayErrorReport }>()
  // How many of `held` are counts by job (the others are by tool and kind alone).
  let heldByJob = 0
  // Sends what is held when the window ends: a burst after a call's turn would otherwise wait for
  // the next error or the next turn's end (hours on a quiet worker), or be lost when it idles out.
  let windowEnd: ReturnType<typeof setTimeout> | undefined

  /** Sends the counts held so far. */
  function flush(): void {
    clearTimeout(windowEnd)
    windowEnd = undefined
    const counted = [...held.values()]
    held.clear()
    heldByJob = 0
    for (const { channel, report } of counted) send(channel, report)
  }

  function report(channel: string, report: StrayErrorReport): void {
    const at = now()
    if (at - windowStart >= STRAY_REPORT_WINDOW_MS) {
      flush()
      windowStart = at
      sent = 0
    }
    if (sent < STRAY_REPORTS_PER_WINDOW) {
      sent++
      send(channel, report)
      return
    }
    // Past `STRAY_COUNTS_BY_JOB` jobs this window, counted by tool and kind alone.
    let key = JSON.stringify([channel, report.tool, report.jobId, report.kind])
    const byJob = report.jobId === null || held.has(key) || heldByJob < STRAY_COUNTS_BY_JOB
    if (!byJob) key = JSON.stringify([channel, report.tool, null, report.kind])
    else if (report.jobId !== null && !held.has(key)) heldByJob++
    held.set(key, { channel, report: { ...report, ...(byJob ? {} : { jobId: null }), suppressed: (held.get(key)?.report.suppressed ?? 0) + 1 } })
    if (windowEnd === undefined) {
      windowEnd = setTimeout(flush, Math.max(0, windowStart + STRAY_REPORT_WINDOW_MS - at))
      // Unref'd: it keeps no worker alive, and holds none back as a call's leftover (leftovers.ts).
      windowEnd.unref?.()
    }
  }

  return { report, flush }
}
