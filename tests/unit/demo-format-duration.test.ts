/**
 * Durations under a turn and its tool calls (demo/app/lib/format.ts `formatDuration`): a value just
 * under a unit's edge is rounded to what is shown before the unit is chosen, so a tool call of
 * 119.7 s reads "2 min 0 s", never "1 min 60 s".
 */
import { describe, expect, it } from 'vitest'
import { formatDuration } from '../../demo/app/lib/format'

describe('formatDuration at the edges of its units', () => {
  it('never shows a count that belongs to the next unit', () => {
    expect(formatDuration(119_700)).toBe('2 min 0 s')
    expect(formatDuration(59_600)).toBe('1 min 0 s')
    expect(formatDuration(9_960)).toBe('10 s')
    expect(formatDuration(999.6)).toBe('1.0 s')
  })

  it('keeps what it showed away from the edges', () => {
    expect([formatDuration(850), formatDuration(1_234), formatDuration(42_000), formatDuration(125_000), formatDuration(3_599_999)])
      .toEqual(['850 ms', '1.2 s', '42 s', '2 min 5 s', '60 min 0 s'])
  })
})
