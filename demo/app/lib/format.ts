/** Small display helpers for the demo chat. */
import { cutTextWith } from '../../../shared/cut-text'

/**
 * `850 ms`, `1.2 s`, `2 min 5 s`. Rounded to what is shown before the unit is chosen, so a value
 * just under a unit's edge moves up to it (119.7 s is `2 min 0 s`, never `1 min 60 s`).
 */
export function formatDuration(durationMs: number | undefined | null): string {
  if (durationMs === undefined || durationMs === null || !Number.isFinite(durationMs)) return ''
  if (Math.round(durationMs) < 1_000) return `${Math.round(durationMs)} ms`
  const tenths = Math.round(durationMs / 100)
  if (tenths < 100) return `${(tenths / 10).toFixed(1)} s`
  const seconds = Math.round(durationMs / 1_000)
  if (seconds < 60) return `${seconds} s`
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}

/** A value as readable text: strings as they are, everything else as indented JSON, cut at `maxChars`. */
export function formatValue(value: unknown, maxChars = 2_000): string {
  if (value === undefined) return ''
  let text: string
  if (typeof value === 'string') text = value
  else {
    try {
      text = JSON.stringify(value, null, 2) ?? String(value)
    }
    catch {
      text = String(value)
    }
  }
  return cutTextWith(text, maxChars, '…')
}

/** Tool arguments on one line: `path: "notes.txt"`. */
export function formatArgs(args: unknown): string {
  if (args === undefined || args === null) return ''
  if (typeof args !== 'object') return String(args)
  return Object.entries(args as Record<string, unknown>)
    .map(([name, value]) => `${name}: ${JSON.stringify(value)}`)
    .join(', ')
}

/** `just now`, `5 min ago`, `3 h ago`, or a date (in `options`' language and zone; the runtime's by default). */
export function formatRelativeTime(epochMs: number, nowMs: number, options: { locale?: string, timeZone?: string } = {}): string {
  const seconds = Math.max(0, Math.round((nowMs - epochMs) / 1_000))
  if (seconds < 45) return 'just now'
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  if (hours < 24) return `${hours} h ago`
  return new Date(epochMs).toLocaleDateString(options.locale, { timeZone: options.timeZone })
}
