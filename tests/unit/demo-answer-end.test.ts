/**
 * The AI SDK page's note under an answer that failed or was stopped, read from the finish metadata
 * the demo's hook sets (kept by the messages route, so it is still there after a reload).
 */
import { describe, expect, it } from 'vitest'
import { answerEndNote, messageEndNote, withStoppedAnswers } from '../../demo/app/lib/answer-end'
import { stoppedTurnNote } from '../../demo/app/lib/stopped'
import { createJobState } from '../../shared/reducer'

describe('answer end notes', () => {
  it('names a failure with the job\'s error, and a stop as the main chat does', () => {
    expect(answerEndNote({ createdAt: 1, ended: 'failed', error: 'The model timed out' })).toEqual({ kind: 'failed', text: 'The model timed out' })
    expect(answerEndNote({ ended: 'failed' })).toEqual({ kind: 'failed', text: 'The answer failed.' })
    expect(answerEndNote({ ended: 'aborted' })).toEqual({ kind: 'stopped', text: 'Stopped — the partial answer is kept.' })
    expect(answerEndNote({ ended: 'aborted' }, false)).toEqual({ kind: 'stopped', text: 'Stopped before any answer came.' })
  })

  it('says a stopped answer that called tools or reasoned, without text, kept its partial answer (both pages)', () => {
    const stopped = (parts: Array<{ type: string, text?: string }>) => messageEndNote({ role: 'assistant', metadata: { ended: 'aborted' }, parts })?.text
    expect(stopped([{ type: 'step-start' }, { type: 'tool-lookup' }])).toBe('Stopped — the partial answer is kept.')
    expect(stopped([{ type: 'dynamic-tool' }])).toBe('Stopped — the partial answer is kept.')
    expect(stopped([{ type: 'reasoning', text: 'Thinking' }])).toBe('Stopped — the partial answer is kept.')
    expect(stopped([{ type: 'step-start' }, { type: 'text', text: ' ' }, { type: 'reasoning', text: '' }])).toBe('Stopped before any answer came.')
    // The main chat's stopped turn: the same words from the job's state.
    const state = createJobState({ id: 'job-1', type: 'chat', createdAt: 1 })
    expect(stoppedTurnNote(state, null)).toBe('Stopped before any answer came.')
    expect(stoppedTurnNote({ ...state, content: 'Partly' }, null)).toBe('Stopped — the partial answer is kept.')
    expect(stoppedTurnNote({ ...state, reasoning: 'Thinking' }, null)).toBe('Stopped — the partial answer is kept.')
    expect(stoppedTurnNote({ ...state, toolCalls: [{ id: 'call-1' } as typeof state.toolCalls[number]] }, null)).toBe('Stopped — the partial answer is kept.')
    expect(stoppedTurnNote(state, { finished: false })).toBe('Stopped before any step finished.')
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
