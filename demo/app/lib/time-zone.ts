/**
 * The browser's time zone, told to the server in a cookie: the sidebar's date headings ("Today",
 * "Yesterday", …) are calendar days in the user's zone, and with the zone the server's first
 * render already has them (composables/useListClock.ts) instead of the list growing headings
 * once the page has loaded. The cookie is the browser's to write and the server only reads it, so
 * its value is checked: an IANA zone name the runtime knows, or none.
 */

/** The cookie that holds the browser's IANA time zone (`Europe/Berlin`). */
export const TIME_ZONE_COOKIE = 'demo_time_zone'
/** A year: the zone is written again whenever the browser's differs (a trip, a moved laptop). */
export const TIME_ZONE_COOKIE_MAX_AGE_SECONDS = 31_536_000
/** The longest zone name taken (the longest IANA names have about 30 characters). */
const MAX_TIME_ZONE_CHARS = 64
/** The language of the list's headings and dates: the page's (app.vue's `lang`), the same on server and client. */
export const LIST_LOCALE = 'en-US'

/** `value` as a time zone the runtime knows (its canonical name), or null for anything else. */
export function validTimeZone(value: unknown): string | null {
  if (typeof value !== 'string' || value === '' || value.length > MAX_TIME_ZONE_CHARS) return null
  try {
    return new Intl.DateTimeFormat(LIST_LOCALE, { timeZone: value }).resolvedOptions().timeZone
  }
  catch {
    return null
  }
}

/** The zone this runtime's clock shows (the browser's own, in the browser), or null when it names none. */
export function runtimeTimeZone(): string | null {
  return validTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone)
}
