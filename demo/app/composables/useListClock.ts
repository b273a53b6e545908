/**
 * "Now" and the time zone the sidebar's date headings and times are shown for (ThreadList.vue).
 * The server renders them for the zone the browser wrote into a cookie (lib/time-zone.ts) and its
 * own clock; both go to the browser in the payload, so hydration renders the very same headings
 * (no mismatch, no shift). Once mounted, the browser's own zone and clock take over — the same
 * headings, unless a day turned meanwhile or the browser moved zones — and the cookie is written
 * when it is missing or out of date. Until the server knows a zone (a browser's first visit), the
 * list has no headings before mount: any zone the server guessed could put a thread under the
 * wrong day.
 */
import { runtimeTimeZone, TIME_ZONE_COOKIE, TIME_ZONE_COOKIE_MAX_AGE_SECONDS, validTimeZone } from '../lib/time-zone'

/** How often the times and headings move on with the clock. */
const TICK_MS = 30_000

/** What the list is shown for. */
export interface ListClock {
  nowMs: number
  /** The IANA zone; null while none is known (no headings, no times). */
  timeZone: string | null
}

/** The list's clock: rendered by the server, carried through hydration, then the browser's. */
export function useListClock(): Readonly<Ref<ListClock>> {
  const cookie = useCookie<string | null>(TIME_ZONE_COOKIE, {
    default: () => null,
    maxAge: TIME_ZONE_COOKIE_MAX_AGE_SECONDS,
    sameSite: 'lax',
    path: '/',
  })
  const clock = useState<ListClock>('demo:list-clock', () => ({ nowMs: Date.now(), timeZone: validTimeZone(cookie.value) }))
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    const timeZone = runtimeTimeZone()
    if (timeZone && cookie.value !== timeZone) cookie.value = timeZone
    clock.value = { nowMs: Date.now(), timeZone }
    timer = setInterval(() => {
      clock.value = { ...clock.value, nowMs: Date.now() }
    }, TICK_MS)
  })
  onBeforeUnmount(() => clearInterval(timer))
  return clock
}
