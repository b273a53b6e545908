/**
 * `POST …/input { requestId, answer, reason }`: the body's `reason` is handed on inside the answer
 * (`withReason`). With a question whose schema has a field named `reason` (or `answer`), an object
 * answer with a `reason` of its own and a different reason beside it lost its own unseen (the one
 * beside replaced it). That is now a 400 naming `reason`; the same reason in both places, or one
 * place only, reads as before. The rule (docs/api.md, "Answering input"): the body's reason is the
 * answer's `reason` field — `{ answer: X, reason: R }` as the answer and `X` with `R` beside it
 * are one answer, whatever the schema's fields are called.
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { InvalidAnswerError } from '../../server/lib/errors'
import { withReason } from '../../server/lib/http/schemas'
import { parseAnswer } from '../../server/lib/workflows/nodes/input'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

const named = z.object({ answer: z.string(), reason: z.string() })

describe('a reason beside the answer and one inside it', () => {
  it('differing: refused naming reason, never one dropped unseen', () => {
    expect(() => withReason({ answer: 'yes', reason: 'mine' }, 'other')).toThrow(InvalidAnswerError)
    expect(() => withReason({ approved: false, reason: 'mine' }, 'other')).toThrow(/^Invalid answer: reason: sent both beside the answer and inside it/)
  })

  it('differing: the route answers 400 naming reason', async () => {
    const body = { requestId: 'r1', answer: { approved: false, reason: 'mine' }, reason: 'other' }
    const response = await fetch(`${app.base}/api/jobs/nope/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect(response.status).toBe(400)
    expect((await response.json() as { message: string }).message).toMatch(/^Invalid answer: reason: /)
  })

  it('the same, or in one place only: read as before', () => {
    expect(withReason({ answer: 'yes', reason: 'r' }, 'r')).toEqual({ answer: 'yes', reason: 'r' })
    expect(withReason({ answer: 'yes', reason: null }, 'r')).toEqual({ answer: 'yes', reason: 'r' })
    expect(withReason({ answer: 'yes', reason: 'r' }, null)).toEqual({ answer: 'yes', reason: 'r' })
  })

  it('a blank one (a form\'s empty field) is none: the other fills in, no 400', () => {
    // The input node reads a blank reason as none (givesReason); so does the body.
    expect(withReason({ approved: false, reason: '' }, 'Too risky')).toEqual({ approved: false, reason: 'Too risky' })
    expect(withReason({ approved: false, reason: '  ' }, 'Too risky')).toEqual({ approved: false, reason: 'Too risky' })
    expect(withReason({ approved: false, reason: 'Too risky' }, '')).toEqual({ approved: false, reason: 'Too risky' })
    expect(withReason({ approved: false, reason: 'Too risky' }, ' \n')).toEqual({ approved: false, reason: 'Too risky' })
  })

  it('a schema with fields answer and reason reads every form of the body as one answer', () => {
    const forms = [withReason('yes', 'r'), withReason({ answer: 'yes' }, 'r'), withReason({ answer: 'yes', reason: 'r' }, undefined)]
    for (const answer of forms) expect(parseAnswer(named, answer)).toEqual({ answer: 'yes', reason: 'r' })
  })
})
