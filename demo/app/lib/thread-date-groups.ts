/**
 * The sidebar's threads under date headings, as ChatGPT and Claude list conversations: "Today",
 * "Yesterday", "Previous 7 days", "Previous 30 days", then one heading per month ("November",
 * "March 2025" for an earlier year). Days are calendar days in `timeZone` (an IANA name: the
 * browser's, which the server learns from a cookie — lib/time-zone.ts — so that its first render
 * already has the headings; the runtime's own when none is given), counted from `nowMs`, so the
 * caller decides what "now" is. Pure, so it is unit-tested with fixed dates and zones.
 */

/** One heading of the list and the threads under it, in the list's order. */
export interface ThreadDateGroup<Thread> {
  /** Stable across renders and pages: `today`, `yesterday`, `previous-7-days`, `previous-30-days`, `month-2026-11`. */
  key: string
  label: string
  threads: Thread[]
}

/** Where and in which language the days and months are counted. */
export interface DateGroupOptions {
  /** The month's language. @default the runtime's */
  locale?: string
  /** The IANA time zone whose calendar days count. @default the runtime's */
  timeZone?: string
}

const DAY_MS = 24 * 60 * 60 * 1_000

/** One formatter per zone (creating one is slow; there are a few hundred zones at most). */
const dayFormatters = new Map<string, Intl.DateTimeFormat>()

/** The calendar date `epochMs` falls on in `timeZone`. */
function zonedDate(epochMs: number, timeZone: string | undefined): { year: number, month: number, day: number } {
  const key = timeZone ?? ''
  let formatter = dayFormatters.get(key)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' })
    dayFormatters.set(key, formatter)
  }
  const parts = Object.fromEntries(formatter.formatToParts(epochMs).map(part => [part.type, part.value]))
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) }
}

/** The day `epochMs` falls on in `timeZone`, as a whole number (days since 1970-01-01 of that calendar). */
function dayNumber(epochMs: number, timeZone: string | undefined): number {
  const { year, month, day } = zonedDate(epochMs, timeZone)
  return Date.UTC(year, month - 1, day) / DAY_MS
}

/** Whole calendar days from `epochMs`'s day to `nowMs`'s (0: the same day); a daylight-saving day still counts as one. */
function calendarDaysAgo(epochMs: number, nowMs: number, timeZone: string | undefined): number {
  return dayNumber(nowMs, timeZone) - dayNumber(epochMs, timeZone)
}

/** The heading a time falls under, seen at `nowMs`. */
export function dateGroupOf(epochMs: number, nowMs: number, options: DateGroupOptions = {}): { key: string, label: string } {
  const { locale, timeZone } = options
  const days = calendarDaysAgo(epochMs, nowMs, timeZone)
  // A time after now (another device's clock ahead of this one) is today's.
  if (days <= 0) return { key: 'today', label: 'Today' }
  if (days === 1) return { key: 'yesterday', label: 'Yesterday' }
  if (days <= 7) return { key: 'previous-7-days', label: 'Previous 7 days' }
  if (days <= 30) return { key: 'previous-30-days', label: 'Previous 30 days' }
  const { year, month } = zonedDate(epochMs, timeZone)
  const sameYear = year === zonedDate(nowMs, timeZone).year
  const label = new Date(epochMs).toLocaleDateString(locale, sameYear ? { month: 'long', timeZone } : { month: 'long', year: 'numeric', timeZone })
  return { key: `month-${year}-${String(month).padStart(2, '0')}`, label }
}

/**
 * The threads (newest first, as the list orders them) under their headings, by `timeOf(thread)`.
 * The list's order is kept: a thread never goes under an earlier heading than the one before it
 * (its time is taken as at most that one's), so each heading appears once even where the times are
 * not quite in order.
 */
export function groupThreadsByDate<Thread>(threads: readonly Thread[], timeOf: (thread: Thread) => number, nowMs: number, options: DateGroupOptions = {}): ThreadDateGroup<Thread>[] {
  const groups: ThreadDateGroup<Thread>[] = []
  let previousMs = Number.POSITIVE_INFINITY
  for (const thread of threads) {
    previousMs = Math.min(previousMs, timeOf(thread))
    const { key, label } = dateGroupOf(previousMs, nowMs, options)
    const last = groups.at(-1)
    if (last?.key === key) last.threads.push(thread)
    else groups.push({ key, label, threads: [thread] })
  }
  return groups
}
