import { describe, expect, it } from 'vitest'
import { inputBodySchema, withReason } from '../../server/lib/http/schemas'

describe('the body of POST /api/jobs/:id/input', () => {
  it('keeps a reason beside the answer inside it, where the approval reader looks', () => {
    expect(withReason('deny', 'not that file')).toEqual({ answer: 'deny', reason: 'not that file' })
    expect(withReason({ approved: false }, 'no')).toEqual({ approved: false, reason: 'no' })
    expect(withReason('approve', undefined)).toBe('approve')
  })

  it('reads a null reason as none, as inside an answer', () => {
    const body = inputBodySchema.parse({ requestId: 'r1', answer: 'deny', reason: null })
    expect(withReason(body.answer, body.reason)).toBe('deny')
    expect(inputBodySchema.safeParse({ requestId: 'r1', answer: 'deny', reason: 5 }).success).toBe(false)
  })
})
