/**
 * The sidebar's threads under date headings, as ChatGPT and Claude list conversations: "Today",
 * "Yesterday", "Previous 7 days", "Previous 30 days", then one heading per month ("November",
 * "March 2025" for an earlier year). Days are calendar days in the browser's time zone, counted
 * from `nowMs`, so the caller decides what "now" is (the list renders its headings after mount, as
 * its relative times). Pure, so it is unit-tested with fixed dates.
 */

/** One heading of the list and the threads under it, in the list's order. */
export interface ThreadDateGroup<Thread> {
  /** Stable across renders and pages: `today`, `yesterday`, `previous-7-days`, `previous-30-days`, `month-2026-11`. */
  key: string
  label: string
  threads: Thread[]
}

const DAY_MS = 24 * 60 * 60 * 1_000

/** Local midnight of the day `epochMs` falls on. */
function startOfDay(epochMs: number): number {
  const date = new Date(epochMs)
  date.setHours(0, 0, 0, 0)
  return date.getTime()
}

/** Whole calendar days from `epochMs`'s day to `nowMs`'s (0: the same day); a daylight-saving day still counts as one. */
function calendarDaysAgo(epochMs: number, nowMs: number): number {
  return Math.round((startOfDay(nowMs) - startOfDay(epochMs)) / DAY_MS)
}

/** The heading a time falls under, seen at `nowMs` (`locale`: the month's language, the browser's by default). */
export function dateGroupOf(epochMs: number, nowMs: number, locale?: string): { key: string, label: string } {
  const days = calendarDaysAgo(epochMs, nowMs)
  // A time after now (another device's clock ahead of this one) is today's.
  if (days <= 0) return { key: 'today', label: 'Today' }
  if (days === 1) return { key: 'yesterday', label: 'Yesterday' }
  if (days <= 7) return { key: 'previous-7-days', label: 'Previous 7 days' }
  if (days <= 30) return { key: 'previous-30-days', label: 'Previous 30 days' }
  const date = new Date(epochMs)
  const sameYear = date.getFullYear() === new Date(nowMs).getFullYear()
  const label = date.toLocaleDateString(locale, sameYear ? { month: 'long' } : { month: 'long', year: 'numeric' })
  return { key: `month-${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`, label }
}

/**
 * The threads (newest first, as the list orders them) under their headings, by `timeOf(thread)`.
 * The list's order is kept: a thread never goes under an earlier heading than the one before it
 * (its time is taken as at most that one's), so each heading appears once even where the times are
 * not quite in order.
 */
export function groupThreadsByDate<Thread>(threads: readonly Thread[], timeOf: (thread: Thread) => number, nowMs: number, locale?: string): ThreadDateGroup<Thread>[] {
  const groups: ThreadDateGroup<Thread>[] = []
  let previousMs = Number.POSITIVE_INFINITY
  for (const thread of threads) {
    previousMs = Math.min(previousMs, timeOf(thread))
    const { key, label } = dateGroupOf(previousMs, nowMs, locale)
    const last = groups.at(-1)
    if (last?.key === key) last.threads.push(thread)
    else groups.push({ key, label, threads: [thread] })
  }
  return groups
}
