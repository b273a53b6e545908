/**
 * The AI SDK page's note under an answer that failed or was stopped, read from the finish metadata
 * the demo's hook sets (kept by the messages route, so it is still there after a reload).
 */
import { describe, expect, it } from 'vitest'
import { answerEndNote, withStoppedAnswers } from '../../demo/app/lib/answer-end'

describe('answer end notes', () => {
  it('names a failure with the job\'s error, and a stop as the main chat does', () => {
    expect(answerEndNote({ createdAt: 1, ended: 'failed', error: 'The model timed out' })).toEqual({ kind: 'failed', text: 'The model timed out' })
    expect(answerEndNote({ ended: 'failed' })).toEqual({ kind: 'failed', text: 'The answer failed.' })
    expect(answerEndNote({ ended: 'aborted' })).toEqual({ kind: 'stopped', text: 'Stopped — the partial answer is kept.' })
    expect(answerEndNote({ ended: 'aborted' }, false)).toEqual({ kind: 'stopped', text: 'Stopped before any answer came.' })
  })

  it('keeps a failure\'s code, the kind the page words it by (an answer stored before it has none)', () => {
    expect(answerEndNote({ ended: 'failed', error: 'The model stream reported an error: boom', code: 'upstream-stream' }))
      .toEqual({ kind: 'failed', text: 'The model stream reported an error: boom', code: 'upstream-stream' })
    expect(answerEndNote({ ended: 'failed', error: 'boom', code: 42 })).toEqual({ kind: 'failed', text: 'boom' })
  })

  it('says nothing for an answer that finished or runs, or metadata of another shape', () => {
    expect([answerEndNote(undefined), answerEndNote(null), answerEndNote('failed'), answerEndNote({ totalTokens: 3 })]).toEqual([null, null, null, null])
  })

  it('marks the answers the abort route stopped, keeping their other metadata', () => {
    const messages = [{ id: 'u1', role: 'user' }, { id: 'job-1', role: 'assistant', metadata: { createdAt: 5 } }, { id: 'job-2', role: 'assistant' }]
    const marked = withStoppedAnswers(messages, [{ id: 'job-1', status: 'aborted' }, { id: 'job-2', status: 'completed' }])
    expect(marked.map(message => answerEndNote((message as { metadata?: unknown }).metadata)?.kind ?? null)).toEqual([null, 'stopped', null])
    expect((marked[1] as { metadata?: unknown }).metadata).toEqual({ createdAt: 5, ended: 'aborted' })
    expect(withStoppedAnswers(messages, [])).toBe(messages)
  })
})
