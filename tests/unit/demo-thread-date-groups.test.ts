/**
 * The sidebar's date headings (demo/app/lib/thread-date-groups.ts): calendar days in the local time
 * zone, counted from a fixed "now" (never the wall clock), the list's order kept with each heading
 * once. Dates are built with local-time constructors, so the file passes in any time zone; the
 * cases with a zone given (the browser's, which the server groups by for its first render) use
 * UTC instants around that zone's midnights.
 */
import { describe, expect, it } from 'vitest'
import { dateGroupOf, groupThreadsByDate } from '../../demo/app/lib/thread-date-groups'

/** 2026-12-04, 09:30 local time. */
const NOW = new Date(2026, 11, 4, 9, 30).getTime()
const at = (year: number, month: number, day: number, hour = 12) => new Date(year, month - 1, day, hour).getTime()
const labelOf = (epochMs: number) => dateGroupOf(epochMs, NOW, { locale: 'en-US' }).label

describe('dateGroupOf', () => {
  it('counts calendar days, not 24-hour spans', () => {
    expect(labelOf(new Date(2026, 11, 4, 0, 0).getTime())).toBe('Today')
    // Ten hours ago, but yesterday.
    expect(labelOf(new Date(2026, 11, 3, 23, 30).getTime())).toBe('Yesterday')
    expect(labelOf(new Date(2026, 11, 3, 0, 1).getTime())).toBe('Yesterday')
    expect(labelOf(new Date(2026, 11, 2, 23, 59).getTime())).toBe('Previous 7 days')
  })

  it('has the edges of "Previous 7 days" and "Previous 30 days" on whole days', () => {
    expect(labelOf(at(2026, 11, 27))).toBe('Previous 7 days')
    expect(labelOf(at(2026, 11, 26))).toBe('Previous 30 days')
    expect(labelOf(at(2026, 11, 4))).toBe('Previous 30 days')
    expect(labelOf(at(2026, 11, 3))).toBe('November')
  })

  it('names the month, with its year when it is not this year\'s', () => {
    expect(dateGroupOf(at(2026, 3, 15), NOW, { locale: 'en-US' })).toEqual({ key: 'month-2026-03', label: 'March' })
    expect(dateGroupOf(at(2025, 12, 20), NOW, { locale: 'en-US' })).toEqual({ key: 'month-2025-12', label: 'December 2025' })
    expect(dateGroupOf(at(2026, 3, 15), NOW, { locale: 'de-DE' }).label).toBe('März')
  })

  it('puts a time ahead of now (another device\'s clock) under Today', () => {
    expect(labelOf(NOW + 3 * 24 * 60 * 60 * 1_000)).toBe('Today')
  })
})

describe('groupThreadsByDate', () => {
  const thread = (id: string, time: number) => ({ id, time })
  const grouped = (threads: Array<{ id: string, time: number }>) =>
    groupThreadsByDate(threads, listed => listed.time, NOW, { locale: 'en-US' }).map(group => [group.label, group.threads.map(listed => listed.id)])

  it('puts the threads, newest first, under their headings in the list\'s order', () => {
    expect(grouped([
      thread('a', at(2026, 12, 4, 9)),
      thread('b', at(2026, 12, 4, 1)),
      thread('c', at(2026, 12, 3)),
      thread('d', at(2026, 11, 30)),
      thread('e', at(2026, 11, 10)),
      thread('f', at(2026, 10, 2)),
      thread('g', at(2026, 10, 1)),
      thread('h', at(2025, 10, 1)),
    ])).toEqual([
      ['Today', ['a', 'b']],
      ['Yesterday', ['c']],
      ['Previous 7 days', ['d']],
      ['Previous 30 days', ['e']],
      ['October', ['f', 'g']],
      ['October 2025', ['h']],
    ])
  })

  it('leaves out headings with no thread, and has none for no threads', () => {
    expect(grouped([thread('a', at(2026, 6, 1))])).toEqual([['June', ['a']]])
    expect(grouped([])).toEqual([])
  })

  it('keeps the order and each heading once when a time is out of order', () => {
    // "b" is newer than "a" but listed after it (the list orders by another time): it stays under
    // a's heading rather than opening a second "Today".
    expect(grouped([thread('x', at(2026, 12, 4)), thread('a', at(2026, 12, 3)), thread('b', at(2026, 12, 4)), thread('c', at(2026, 12, 3))]))
      .toEqual([['Today', ['x']], ['Yesterday', ['a', 'b', 'c']]])
  })

  it('gives each heading a key that stays the same as "now" moves within a day', () => {
    const later = new Date(2026, 11, 4, 23, 59).getTime()
    const keys = (nowMs: number) => groupThreadsByDate([thread('a', at(2026, 12, 1)), thread('b', at(2026, 8, 1))], listed => listed.time, nowMs).map(group => group.key)
    expect(keys(NOW)).toEqual(keys(later))
    expect(keys(NOW)).toEqual(['previous-7-days', 'month-2026-08'])
  })
})

describe('in a given time zone (the browser\'s, as the server renders it)', () => {
  const utc = (iso: string) => Date.parse(iso)
  const label = (epochMs: number, nowMs: number, timeZone: string) => dateGroupOf(epochMs, nowMs, { locale: 'en-US', timeZone }).label

  it('turns the day at New York\'s midnight, not UTC\'s', () => {
    // 09:30 in New York (UTC-5) on 4 December.
    const now = utc('2026-12-04T14:30:00Z')
    expect(label(utc('2026-12-04T05:00:00Z'), now, 'America/New_York')).toBe('Today')
    // 23:59 on 3 December in New York, though 4 December in UTC.
    expect(label(utc('2026-12-04T04:59:00Z'), now, 'America/New_York')).toBe('Yesterday')
    expect(label(utc('2026-12-04T04:59:00Z'), now, 'UTC')).toBe('Today')
    expect(label(utc('2026-12-03T04:59:00Z'), now, 'America/New_York')).toBe('Previous 7 days')
  })

  it('turns the day at a half-hour zone\'s midnight and at UTC+14\'s', () => {
    // 06:00 on 4 December in India (UTC+5:30).
    const now = utc('2026-12-04T00:30:00Z')
    expect(label(utc('2026-12-03T18:30:00Z'), now, 'Asia/Kolkata')).toBe('Today')
    expect(label(utc('2026-12-03T18:29:00Z'), now, 'Asia/Kolkata')).toBe('Yesterday')
    // 23:00 on 4 December at UTC+14: its midnight was 10:00 UTC on the 3rd.
    const late = utc('2026-12-04T09:00:00Z')
    expect(label(utc('2026-12-03T10:00:00Z'), late, 'Pacific/Kiritimati')).toBe('Today')
    expect(label(utc('2026-12-03T09:59:00Z'), late, 'Pacific/Kiritimati')).toBe('Yesterday')
  })

  it('counts the 23-hour day of a daylight-saving change as one day', () => {
    // 00:30 on 9 March 2026 in New York (EDT, UTC-4); 8 March had 23 hours.
    const now = utc('2026-03-09T04:30:00Z')
    expect(label(utc('2026-03-08T05:00:00Z'), now, 'America/New_York')).toBe('Yesterday')
    expect(label(utc('2026-03-08T04:59:00Z'), now, 'America/New_York')).toBe('Previous 7 days')
    expect(label(utc('2026-03-09T04:00:00Z'), now, 'America/New_York')).toBe('Today')
  })

  it('names the month and its year as the zone sees them', () => {
    // 23:00 on 31 October in New York is 1 November in UTC.
    const now = utc('2026-12-04T14:30:00Z')
    expect(dateGroupOf(utc('2026-11-01T03:00:00Z'), now, { locale: 'en-US', timeZone: 'America/New_York' })).toEqual({ key: 'month-2026-10', label: 'October' })
    expect(dateGroupOf(utc('2026-11-01T03:00:00Z'), now, { locale: 'en-US', timeZone: 'UTC' })).toEqual({ key: 'month-2026-11', label: 'November' })
    // New Year's Eve in New York, New Year's Day in UTC: last year's December there.
    const january = utc('2027-02-15T12:00:00Z')
    expect(dateGroupOf(utc('2027-01-01T03:00:00Z'), january, { locale: 'en-US', timeZone: 'America/New_York' })).toEqual({ key: 'month-2026-12', label: 'December 2026' })
  })

  it('groups a list by the zone\'s days', () => {
    const now = utc('2026-12-04T14:30:00Z')
    const threads = [{ id: 'a', time: utc('2026-12-04T06:00:00Z') }, { id: 'b', time: utc('2026-12-04T02:00:00Z') }]
    const grouped = (timeZone: string) => groupThreadsByDate(threads, thread => thread.time, now, { locale: 'en-US', timeZone }).map(group => [group.label, group.threads.map(thread => thread.id)])
    expect(grouped('America/New_York')).toEqual([['Today', ['a']], ['Yesterday', ['b']]])
    expect(grouped('Europe/Berlin')).toEqual([['Today', ['a', 'b']]])
  })
})
