/**
 * The same answer sent again by the user whose answer the job took (the retry of a 503 that went
 * through, stored-answer.ts) is recognised as that answer — an approval as the job reads it
 * (`'approve'` is stored as `{ approved: true }`) — and nothing else is.
 */
import { describe, expect, it } from 'vitest'
import type { AnsweredInput } from '../../shared/reducer'
import { answeredAlike } from '../../server/lib/stored-answer'

const answered = (input: Partial<AnsweredInput>): AnsweredInput => ({ requestId: 'r1', kind: 'input', prompt: 'Go on?', answer: null, answeredAt: 1, answeredBy: 'u1', ...input } as AnsweredInput)

describe('answeredAlike', () => {
  it('is the same user\'s equal answer to the same request, in any key order', () => {
    const state = { pendingInputs: [], answeredInputs: [answered({ answer: { go: true, note: 'ok' } })] }
    expect(answeredAlike(state, 'r1', 'u1', { note: 'ok', go: true })).toBe(true)
    expect(answeredAlike(state, 'r1', 'u1', { go: false, note: 'ok' })).toBe(false)
    expect(answeredAlike(state, 'r1', 'u2', { go: true, note: 'ok' })).toBe(false)
    expect(answeredAlike(state, 'r2', 'u1', { go: true, note: 'ok' })).toBe(false)
  })

  it('reads an approval as the job stored it', () => {
    const state = { pendingInputs: [], answeredInputs: [answered({ kind: 'tool-approval', answer: { approved: true } })] }
    expect(answeredAlike(state, 'r1', 'u1', 'approve')).toBe(true)
    expect(answeredAlike(state, 'r1', 'u1', true)).toBe(true)
    expect(answeredAlike(state, 'r1', 'u1', 'deny')).toBe(false)
    expect(answeredAlike(state, 'r1', 'u1', 'perhaps')).toBe(false)
  })

  it('is never a timeout\'s or a takeover\'s answer', () => {
    const state = { pendingInputs: [], answeredInputs: [answered({ answer: null, answeredBy: 'system:owner-lost' })] }
    expect(answeredAlike(state, 'r1', 'u1', null)).toBe(false)
  })
})
