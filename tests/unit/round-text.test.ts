import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { createJobState } from '../../shared/reducer'
import { roundTextStarts, splitRoundTexts } from '../../server/lib/executor/round-text'

const at = 1_000
let seq = 0
const ev = (event: Record<string, unknown>): JobEvent => ({ seq: ++seq, at, ...event }) as unknown as JobEvent
const text = (offset: number, value: string) => ev({ type: 'text-delta', offset, text: value })

describe('a continued chat\'s text told apart by round (recovery.chat = continue)', () => {
  it('finds where each chat round began, leaving workflow nodes\' rounds out', () => {
    seq = 0
    const events = [
      ev({ type: 'step-start', step: 1 }), text(0, 'Let me check:'), ev({ type: 'step-end', step: 1, finishReason: 'tool_calls' }),
      ev({ type: 'step-start', step: 2 }), text(13, '\n\nIt is'),
      ev({ type: 'step-start', step: 1, nodeId: 'n' }),
    ]
    expect(roundTextStarts(createJobState({ id: 'j', type: 'chat', createdAt: at }), events)).toEqual({ 1: 0, 2: 13 })
  })

  it('a round that asked for tools keeps its text; the rounds after the last one are the answer so far', () => {
    const content = 'Let me check:\n\nAnd the wind:\n\nIt is'
    expect(splitRoundTexts(content, { 1: 0, 2: 13, 3: 28 }, new Set([1, 2]))).toEqual({
      ofToolRound: new Map([[1, 'Let me check:'], [2, 'And the wind:']]),
      answerSoFar: 'It is',
    })
    // Died after the tools answered, the next round not begun or silent: no answer to go on with.
    expect(splitRoundTexts('Let me check:', { 1: 0, 2: 13 }, new Set([1])).answerSoFar).toBe('')
    expect(splitRoundTexts('Let me check:', { 1: 0 }, new Set([1])).answerSoFar).toBe('')
  })

  it('an answer cut off twice is one answer: the round that continued it does not drop what came before', () => {
    // Round 2 was cut off after "It is"; round 3 went on with it (no paragraph break) and was cut off too.
    const content = 'Let me check:\n\nIt is sunny'
    expect(splitRoundTexts(content, { 1: 0, 2: 13, 3: 20 }, new Set([1])).answerSoFar).toBe('It is sunny')
    // … and when that continued round asked for tools, its text is the whole of it.
    expect(splitRoundTexts(content, { 1: 0, 2: 13, 3: 20 }, new Set([1, 3])).ofToolRound.get(3)).toBe('It is sunny')
  })
})
