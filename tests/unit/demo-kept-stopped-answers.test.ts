/**
 * withKeptAnswers (the layer's app/lib/kept-stopped-answers.ts, used by useChatStop): after a Stop
 * on /ai-sdk the page takes the stopped answers from the messages route. An answer the page never
 * got is added after the page's last user message only when the server lists that message: a list
 * that does not (its read window starts later) added whatever answer stood first in it, after the
 * wrong question.
 */
import type { UIMessage } from 'ai'
import { describe, expect, it } from 'vitest'
import { withKeptAnswers } from '../../app/lib/kept-stopped-answers'

const text = (id: string, role: UIMessage['role'], words: string): UIMessage => ({ id, role, parts: [{ type: 'text', text: words }] })

describe('withKeptAnswers', () => {
  it('adds the stopped answer the page never got after its question, and replaces a shorter one', () => {
    const page = [text('q1', 'user', 'first'), text('a1', 'assistant', 'Once'), text('q2', 'user', 'second')]
    const server = [text('q1', 'user', 'first'), text('a1', 'assistant', 'Once upon a time'), text('q2', 'user', 'second'), text('a2', 'assistant', 'It')]
    expect(withKeptAnswers(page, server, new Set(['a1', 'a2']))).toEqual([server[0], server[1], server[2], server[3]])
  })

  it('adds nothing when the server does not list the page\'s last question', () => {
    const page = [text('q9', 'user', 'not in the read')]
    const server = [text('a1', 'assistant', 'an older answer'), text('q2', 'user', 'other')]
    expect(withKeptAnswers(page, server, new Set(['a1']))).toEqual(page)
  })
})
