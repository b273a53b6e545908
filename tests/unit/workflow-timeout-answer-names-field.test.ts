/**
 * A `timeoutAnswer` that does not fit its node's answer schema stopped the boot with
 * `… does not fit its schema ((root): …)` or `(approved: …)`: the file and node were named, the field
 * was not (`(root)` is no key of the node). The problem now reads as the node's field it is in:
 * `timeoutAnswer` for the whole value, `timeoutAnswer.approved` for a field of it, and `answer` for
 * the answer an `onTimeout: 'approve'` takes when no timeoutAnswer is written.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'

function bootError(ask: Record<string, unknown>): string {
  const definition = {
    name: 'review',
    description: 'd',
    input: z.object({}),
    nodes: { ask: { kind: 'input', prompt: 'ok?', schema: z.object({ approved: z.boolean() }), ...ask }, end: { kind: 'output', value: 'done' } },
    edges: [['ask', 'end']],
  }
  try {
    createWorkflowRegistry([definition], { files: ['server/workflows/review.ts'] })
  }
  catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the boot to be refused')
}

describe('a timeout answer that does not fit its schema', () => {
  it('names the file, the node and the field of the timeoutAnswer', () => {
    expect(bootError({ onTimeout: 'default', timeoutAnswer: { approved: 'no' } }))
      .toBe('Workflow "review" in server/workflows/review.ts is invalid: input node "ask" has onTimeout "default" but its timeout answer {"approved":"no"} does not fit its schema (timeoutAnswer.approved: Invalid input: expected boolean, received string)')
  })

  it('names the timeoutAnswer as a whole', () => {
    expect(bootError({ onTimeout: 'default', timeoutAnswer: 'no' }))
      .toBe('Workflow "review" in server/workflows/review.ts is invalid: input node "ask" has onTimeout "default" but its timeout answer "no" does not fit its schema (timeoutAnswer: Invalid input: expected object, received string)')
  })

  // It said `its timeout answer null does not fit its schema`: null is no answer the author wrote.
  it('says that onTimeout "default" without a timeoutAnswer answers null', () => {
    expect(bootError({ onTimeout: 'default' }))
      .toBe('Workflow "review" in server/workflows/review.ts is invalid: input node "ask" has onTimeout "default" but no timeoutAnswer, so a timeout would answer null, which does not fit its schema (answer: Invalid input: expected object, received null): set timeoutAnswer to the answer to go on with')
  })

  it('names the answer an onTimeout takes when no timeoutAnswer is written', () => {
    expect(bootError({ onTimeout: 'approve' }))
      .toBe('Workflow "review" in server/workflows/review.ts is invalid: input node "ask" has onTimeout "approve" but its timeout answer "approve" does not fit its schema (answer: Invalid input: expected object, received string)')
  })
})
