/**
 * The sidebar's date headings (demo/app/lib/thread-date-groups.ts): calendar days in the local time
 * zone, counted from a fixed "now" (never the wall clock), the list's order kept with each heading
 * once. Dates are built with local-time constructors, so the file passes in any time zone.
 */
import { describe, expect, it } from 'vitest'
import { dateGroupOf, groupThreadsByDate } from '../../demo/app/lib/thread-date-groups'

/** 2026-12-04, 09:30 local time. */
const NOW = new Date(2026, 11, 4, 9, 30).getTime()
const at = (year: number, month: number, day: number, hour = 12) => new Date(year, month - 1, day, hour).getTime()
const labelOf = (epochMs: number) => dateGroupOf(epochMs, NOW, 'en-US').label

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
    expect(dateGroupOf(at(2026, 3, 15), NOW, 'en-US')).toEqual({ key: 'month-2026-03', label: 'March' })
    expect(dateGroupOf(at(2025, 12, 20), NOW, 'en-US')).toEqual({ key: 'month-2025-12', label: 'December 2025' })
    expect(dateGroupOf(at(2026, 3, 15), NOW, 'de-DE').label).toBe('März')
  })

  it('puts a time ahead of now (another device\'s clock) under Today', () => {
    expect(labelOf(NOW + 3 * 24 * 60 * 60 * 1_000)).toBe('Today')
  })
})

describe('groupThreadsByDate', () => {
  const thread = (id: string, time: number) => ({ id, time })
  const grouped = (threads: Array<{ id: string, time: number }>) =>
    groupThreadsByDate(threads, listed => listed.time, NOW, 'en-US').map(group => [group.label, group.threads.map(listed => listed.id)])

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
