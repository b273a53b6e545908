/**
 * The tab title's count of threads with news (lib/tab-title.ts): "(2) %s" for two listed threads
 * marked unseen, nothing for none, and a mark for a thread the list no longer shows (lost on a
 * server restart) does not count; the thread's own title is cut with "…" before the app's name.
 */
import { describe, expect, it } from 'vitest'
import { TAB_TITLE_MAX_CHARS, threadTabTitle, unseenTitleTemplate } from '../../demo/app/lib/tab-title'

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

describe('threadTabTitle', () => {
  it('is the first message in plain words, then the app\'s name', () => {
    expect(threadTabTitle('**Fix** the docs')).toBe('Fix the docs — Background jobs chat')
    expect(threadTabTitle(undefined)).toBe('Background jobs chat')
  })

  it('cuts a long first message with "…", keeping the app\'s name', () => {
    const url = `See https://example.com/${'a/'.repeat(60)}`
    const title = threadTabTitle(url)
    expect(title.endsWith('… — Background jobs chat')).toBe(true)
    expect(title.length).toBeLessThanOrEqual(TAB_TITLE_MAX_CHARS + '… — Background jobs chat'.length)
    expect(url.startsWith(title.split('…')[0]!)).toBe(true)
  })
})
