/**
 * The tab title's count of threads with news (lib/tab-title.ts): "(2) %s" for two listed threads
 * marked unseen, nothing for none, and a mark for a thread the list no longer shows (lost on a
 * server restart) does not count.
 */
import { describe, expect, it } from 'vitest'
import { unseenTitleTemplate } from '../../demo/app/lib/tab-title'

describe('unseenTitleTemplate', () => {
  it('counts the listed threads marked unseen', () => {
    expect(unseenTitleTemplate(['t1', 't2', 't3'], ['t3', 't1'])).toBe('(2) %s')
  })

  it('leaves the title alone when nothing is unseen', () => {
    expect(unseenTitleTemplate(['t1'], [])).toBe('%s')
  })

  it('does not count a mark for a thread the list no longer shows', () => {
    expect(unseenTitleTemplate(['t1'], ['gone'])).toBe('%s')
    expect(unseenTitleTemplate(['t1'], ['gone', 't1'])).toBe('(1) %s')
  })
})
