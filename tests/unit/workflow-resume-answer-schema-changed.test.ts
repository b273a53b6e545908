/**
 * A rolling deploy changed a question's answer schema (a new required field) while a job waited at
 * it; the job's node still exists, so the instance taking it over goes on there (an instance
 * without the node ends it `workflow-changed`: workflow-resume-changed-graph). The question asked
 * again carries the new schema, and an answer is checked against it. An answer the lost owner had
 * stored before its node ended, which the new schema refuses, is not taken as the node's output
 * (later nodes would read a field it lacks as nothing): the question is asked again in its new
 * form, keeping its first deadline. Before, the node ended with the old answer and the report read
 * 'by ' — the reviewer the new version needs never asked. One the new schema takes is used as before.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const version = (schema: z.ZodType, value: string) => defineWorkflow({
  name: 'publish',
  description: 'asks, then reports',
  input: z.object({}),
  nodes: { ask: { kind: 'input', prompt: 'Publish?', schema }, out: { kind: 'output', value } },
  edges: [['ask', 'out']],
})
const v1 = version(z.object({ ok: z.boolean() }), 'ok {{outputs.ask.ok}}')
const v2 = version(z.object({ ok: z.boolean(), reviewer: z.string().min(1) }), 'ok {{outputs.ask.ok}} by {{outputs.ask.reviewer}}')

/** The state the store holds when the log ends right after `ask`'s `input-response` (its `node-end` not stored). */
function storedUntilAnswer(events: JobEvent[]): JobState {
  const index = events.findIndex(event => event.type === 'input-response')
  return reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0 }), events.slice(0, index + 1))
}

/** Resumes on `definition` and answers the questions it asks with `answers`, in order; the run. */
async function resumeOn(definition: typeof v1, resumedFrom: JobState, answers: unknown[]) {
  const resumed = startWorkflow(definition, {}, { resumedFrom, continueLog: true })
  const refused: string[] = []
  for (const answer of answers) {
    if (!await Promise.race([resumed.nextInput().then(() => true), resumed.done.then(() => false)])) break
    try {
      resumed.answer(answer)
    }
    catch (error) {
      refused.push((error as Error).message)
    }
  }
  await resumed.done
  return { resumed, refused }
}

describe('a question whose answer schema a deploy changed', () => {
  it('waiting, no answer stored: asked again with the new schema, which checks the answer', async () => {
    const first = startWorkflow(v1, {})
    await first.nextInput()
    const open = first.state().pendingInputs[0]!
    const resumedFrom = reduceEvents(first.state(), [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: first.state().seq + 1, at: 0 }])
    first.abort()
    await first.done
    const { resumed, refused } = await resumeOn(v2, resumedFrom, [{ ok: true }, { ok: true, reviewer: 'Ann' }])
    expect(resumed.events.find(event => event.type === 'input-request')).toMatchObject({ schema: { required: ['ok', 'reviewer'] } })
    expect(refused).toEqual([expect.stringMatching(/^Invalid answer: answer\.reviewer: /)])
    expect(resumed.error()).toBeUndefined()
    expect(resumed.state().content).toBe('ok true by Ann')
  })

  it('an answer stored before the node ended that the new schema refuses: asked again in its new form', async () => {
    const first = startWorkflow(v1, {})
    await first.nextInput()
    first.answer({ ok: true })
    await first.done
    const resumedFrom = storedUntilAnswer(first.events)
    const { resumed, refused } = await resumeOn(v2, resumedFrom, [{ ok: true, reviewer: 'Ann' }])
    expect(refused).toEqual([])
    expect(resumed.error()).toBeUndefined()
    // Before: no question asked; the node ended with { ok: true } and the report read 'ok true by '.
    expect(resumed.events.filter(event => event.type === 'input-request')).toHaveLength(1)
    expect(resumed.state().content).toBe('ok true by Ann')
  })

  it('an answer stored before the node ended that the new schema takes: used, not asked again', async () => {
    const first = startWorkflow(v1, {})
    await first.nextInput()
    first.answer({ ok: true })
    await first.done
    const v2Optional = version(z.object({ ok: z.boolean(), reviewer: z.string().optional() }), 'ok {{outputs.ask.ok}} by {{outputs.ask.reviewer}}')
    const { resumed } = await resumeOn(v2Optional, storedUntilAnswer(first.events), [])
    expect(resumed.error()).toBeUndefined()
    expect(resumed.events.filter(event => event.type === 'input-request')).toEqual([])
    expect(resumed.state().content).toBe('ok true by ')
  })
})
