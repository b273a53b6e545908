import { describe, expect, it } from 'vitest'
import type { AnsweredInput, PendingInput } from '../../shared/reducer'
import { answersTaken, VOIDED_BY_TAKEOVER } from '../../server/lib/answer-taken'

const answerTaken = (state: { answeredInputs: AnsweredInput[], pendingInputs?: PendingInput[] }, requestId: string, userId: string) => answersTaken({ pendingInputs: [], ...state }, requestId, userId).length > 0

function answered(requestId: string, answeredBy: string, nodeId?: string): AnsweredInput {
  return { requestId, kind: 'workflow-input', prompt: 'Go?', expiresAt: 0, onTimeout: 'fail', requestedAt: 0, answer: null, answeredAt: 0, answeredBy, ...(nodeId ? { nodeId } : {}) } as AnsweredInput
}

describe('answersTaken', () => {
  it('is the user\'s own answer to the request', () => {
    expect(answerTaken({ answeredInputs: [answered('r1', 'alice', 'ask')] }, 'r1', 'alice')).toBe(true)
    expect(answerTaken({ answeredInputs: [answered('r1', 'bob', 'ask')] }, 'r1', 'alice')).toBe(false)
    expect(answerTaken({ answeredInputs: [answered('r1', 'timeout', 'ask')] }, 'r1', 'alice')).toBe(false)
    expect(answerTaken({ answeredInputs: [] }, 'r1', 'alice')).toBe(false)
  })

  it('is the user\'s answer to the question the node asked again after a takeover voided the request', () => {
    const state = { answeredInputs: [answered('r1', VOIDED_BY_TAKEOVER, 'ask'), answered('r2', 'alice', 'ask')] }
    expect(answerTaken(state, 'r1', 'alice')).toBe(true)
    expect(answerTaken(state, 'r1', 'bob')).toBe(false)
  })

  it('is not another node\'s answer, nor one given before the request was voided', () => {
    expect(answerTaken({ answeredInputs: [answered('r1', VOIDED_BY_TAKEOVER, 'ask'), answered('r2', 'alice', 'other')] }, 'r1', 'alice')).toBe(false)
    expect(answerTaken({ answeredInputs: [answered('r0', 'alice', 'ask'), answered('r1', VOIDED_BY_TAKEOVER, 'ask')] }, 'r1', 'alice')).toBe(false)
    expect(answerTaken({ answeredInputs: [answered('r1', VOIDED_BY_TAKEOVER), answered('r2', 'alice')] }, 'r1', 'alice')).toBe(false)
  })

  it('is not an answer its node refused after a deploy and asked again in its place (replaces)', () => {
    const again = { requestId: 'r2', kind: 'workflow-input', prompt: 'Go?', expiresAt: 0, onTimeout: 'fail', requestedAt: 1, nodeId: 'ask', replaces: 'r1' } as PendingInput
    expect(answerTaken({ answeredInputs: [answered('r1', 'alice', 'ask')], pendingInputs: [again] }, 'r1', 'alice')).toBe(false)
    expect(answerTaken({ answeredInputs: [answered('r1', 'alice', 'ask'), { ...again, answer: null, answeredAt: 2, answeredBy: 'alice' }] }, 'r1', 'alice')).toBe(false)
    expect(answerTaken({ answeredInputs: [answered('r1', 'alice', 'ask')], pendingInputs: [{ ...again, replaces: 'r0' }] }, 'r1', 'alice')).toBe(true)
  })
})
