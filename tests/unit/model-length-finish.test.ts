/**
 * Mistral ends a round cut at the model's context window with `finish_reason: "model_length"`
 * (`length` is its output limit). The AI SDK stream's `finish` chunk said `other` for it and the
 * demo showed no "Cut off" note: the answer stopped mid-sentence with no reason. Both now read it
 * as a length cut, as the AI SDK's own Mistral provider does.
 */
import { describe, expect, it } from 'vitest'
import { emptyMetrics } from '../../shared/events'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { toUiFinishReason } from '../../server/lib/ai-sdk/ui-chunks'
import { cutOffByLength } from '../../demo/app/lib/turn-report'

const ended = (finishReason: string | null) => reduceEvents(createJobState({ id: 'j', type: 'chat', createdAt: 1 }), [
  { seq: 1, at: 1, type: 'job-status', status: 'running' },
  { seq: 2, at: 1, type: 'step-start', step: 1 },
  { seq: 3, at: 1, type: 'text-delta', text: 'A long answer that stops mid', offset: 0 },
  { seq: 4, at: 2, type: 'step-end', step: 1, finishReason },
  { seq: 5, at: 2, type: 'job-end', status: 'completed', metrics: emptyMetrics() },
] as JobEvent[])

describe('Mistral\'s finish_reason "model_length"', () => {
  it('is a length cut in the AI SDK stream\'s finish chunk', () => {
    expect(toUiFinishReason('model_length')).toBe('length')
    expect(toUiFinishReason('length')).toBe('length')
  })

  it('gets the demo\'s "Cut off" note', () => {
    expect(cutOffByLength(ended('model_length'))).toBe(true)
    expect(cutOffByLength(ended('stop'))).toBe(false)
  })
})
