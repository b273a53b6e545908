/**
 * The demo said nothing under an answer the provider's content filter cut after some text
 * (completed, last round `finish_reason: "content_filter"`): the answer stopped mid-sentence with
 * no reason, while a `length` cut gets a note. `cutOffByFilter` tells the turn to say so.
 */
import { describe, expect, it } from 'vitest'
import { emptyMetrics } from '../../shared/events'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { cutOffByFilter, cutOffByLength } from '../../demo/app/lib/turn-report'

const ended = (finishReason: string | null, status: 'completed' | 'failed' = 'completed') => reduceEvents(createJobState({ id: 'j', type: 'chat', createdAt: 1 }), [
  { seq: 1, at: 1, type: 'job-status', status: 'running' },
  { seq: 2, at: 1, type: 'step-start', step: 1 },
  { seq: 3, at: 1, type: 'text-delta', text: 'Here is the first part of', offset: 0 },
  { seq: 4, at: 2, type: 'step-end', step: 1, finishReason },
  { seq: 5, at: 2, type: 'job-end', status, metrics: emptyMetrics() },
] as JobEvent[])

describe('demo: an answer the content filter cut', () => {
  it('is told when the last round of a completed job ended with content_filter, and only then', () => {
    expect(cutOffByFilter(ended('content_filter'))).toBe(true)
    expect(cutOffByFilter(ended('stop'))).toBe(false)
    expect(cutOffByFilter(ended('length'))).toBe(false)
    expect(cutOffByFilter(ended('content_filter', 'failed'))).toBe(false)
    expect(cutOffByFilter(null)).toBe(false)
    expect(cutOffByLength(ended('content_filter'))).toBe(false)
  })
})
