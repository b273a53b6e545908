/**
 * The demo chat keeps each thread's unsent message while another thread is open: the box used to
 * start empty in every thread view, so a message typed, then a look at another thread, was gone.
 */
import { describe, expect, it } from 'vitest'
import { draftOf, keepDraft, MAX_DRAFTS } from '../../demo/app/lib/drafts'

describe('drafts by thread', () => {
  it('gives each thread back what its box held', () => {
    keepDraft('a', 'Half a question')
    keepDraft('b', 'Another')
    expect([draftOf('a'), draftOf('b'), draftOf('c')]).toEqual(['Half a question', 'Another', ''])
  })

  it('forgets a draft once the box is empty (sent or cleared)', () => {
    keepDraft('a', 'Something')
    keepDraft('a', '  \n')
    expect(draftOf('a')).toBe('')
  })

  it('keeps the newest threads\' drafts only', () => {
    for (let index = 0; index <= MAX_DRAFTS; index++) keepDraft(`thread-${index}`, `draft ${index}`)
    expect(draftOf('thread-0')).toBe('')
    expect(draftOf('thread-1')).toBe('draft 1')
    expect(draftOf(`thread-${MAX_DRAFTS}`)).toBe(`draft ${MAX_DRAFTS}`)
    // Typing again in an old thread makes its draft the newest.
    keepDraft('thread-1', 'draft 1, longer')
    keepDraft('one-more', 'x')
    expect([draftOf('thread-1'), draftOf('thread-2')]).toEqual(['draft 1, longer', ''])
  })
})
