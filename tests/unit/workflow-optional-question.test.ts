/**
 * An optional question: an input node whose answer schema takes a missing answer (`.optional()`,
 * `.default(…)`). JSON has no missing value and `POST …/input` requires `answer`, so `null` is the
 * answer left out: before, it was refused (`expected string, received null`), the schema's
 * `.optional()` or `.default()` could never apply, and its JSON Schema showed the question as required.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { InvalidAnswerError } from '../../server/lib/errors'
import { withReason } from '../../server/lib/http/schemas'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const survey = defineWorkflow({
  name: 'survey',
  description: 'asks three questions a person may leave unanswered, and one they may not',
  input: z.object({}),
  nodes: {
    note: { kind: 'input', prompt: 'Any note?', schema: z.string().optional() },
    depth: { kind: 'input', prompt: 'How deep?', schema: z.number().default(3) },
    extra: { kind: 'input', prompt: 'Anything else?', schema: z.object({ topic: z.string() }).optional() },
    name: { kind: 'input', prompt: 'Your name?', schema: z.string() },
    done: { kind: 'output', value: 'note "{{outputs.note}}", depth {{outputs.depth}}, topic "{{outputs.extra.topic}}", by {{outputs.name}}' },
  },
  edges: [['note', 'depth'], ['depth', 'extra'], ['extra', 'name'], ['name', 'done']],
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('an optional question', () => {
  it('takes null as the answer left out, read as its schema reads a missing one', async () => {
    const { engine, start, state, requestOf } = createWorkflowEngine([survey])
    const jobId = await start('survey')
    await vi.advanceTimersByTimeAsync(10)
    for (const nodeId of ['note', 'depth', 'extra']) {
      const requestId = await requestOf(jobId, nodeId)
      // A reason beside it (POST …/input's \`reason\`) is refused as for any answer without a field for it.
      await expect(engine.answerInput(USER, jobId, { requestId, answer: withReason(null, 'no time') })).rejects.toThrow('Invalid answer: reason: this input has no field for a reason')
      await expect(engine.answerInput(USER, jobId, { requestId, answer: null })).resolves.toEqual({ stored: true })
      // The same answer again (its reply was lost) is the answer taken.
      await expect(engine.answerInput(USER, jobId, { requestId, answer: null })).resolves.toEqual({ stored: true })
      await vi.advanceTimersByTimeAsync(10)
    }
    // A question that is not optional still refuses it, naming the answer.
    const nameRequest = await requestOf(jobId, 'name')
    const refused = await engine.answerInput(USER, jobId, { requestId: nameRequest, answer: null }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(InvalidAnswerError)
    expect((refused as Error).message).toBe('Invalid answer: answer: Invalid input: expected string, received null')
    await engine.answerInput(USER, jobId, { requestId: nameRequest, answer: 'Ann' })
    await vi.advanceTimersByTimeAsync(10)
    expect((await state(jobId)).status).toBe('completed')
    await engine.whenSettled(jobId)

    const ended = await state(jobId)
    expect(ended.status).toBe('completed')
    expect(ended.content).toBe('note "", depth 3, topic "", by Ann')
    expect(ended.nodeStates.depth).toMatchObject({ status: 'completed', output: 3 })
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, pendingInputs: 0 })
  })

  it('its JSON Schema takes null (a form may leave it empty); a required one does not', () => {
    const { graph } = createWorkflowRegistry([survey]).get('survey') as unknown as { graph: { answerSchemas: Map<string, { read(): unknown }> } }
    const shown = (nodeId: string) => graph.answerSchemas.get(nodeId)!.read() as Record<string, unknown>
    expect(shown('note')).toMatchObject({ anyOf: [{ type: 'string' }, { type: 'null' }] })
    expect(shown('depth')).toMatchObject({ anyOf: [{ type: 'number', default: 3 }, { type: 'null' }] })
    expect(shown('extra')).toMatchObject({ anyOf: [{ type: 'object', required: ['topic'] }, { type: 'null' }] })
    expect(shown('name')).toMatchObject({ type: 'string' })
    expect(shown('name')).not.toHaveProperty('anyOf')
  })

  it('a run resumed after it reads the answer left out as the first run did', async () => {
    const first = startWorkflow(survey, {})
    for (const answer of [null, null, null, 'Ann']) {
      await first.nextInput()
      first.answer(answer)
    }
    await first.done
    expect(first.error()).toBeUndefined()
    const content = first.state().content
    // The store holds the log up to the last question's answer (its node cut off).
    const cut = first.events.findIndex(event => event.type === 'input-response' && event.nodeId === 'name')
    const resumedFrom = reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0 }), JSON.parse(JSON.stringify(first.events.slice(0, cut + 1))))
    const resumed = startWorkflow(survey, {}, { resumedFrom, continueLog: true })
    await resumed.done
    expect(resumed.error()).toBeUndefined()
    expect(resumed.events.filter(event => event.type === 'input-request')).toEqual([])
    expect(resumed.state().content).toBe(content)
  })

  it('onTimeout "default" without a timeoutAnswer boots and leaves the answer out', async () => {
    const waits = defineWorkflow({
      name: 'waits',
      description: 'an optional question nobody answers',
      input: z.object({}),
      nodes: {
        note: { kind: 'input', prompt: 'Any note?', schema: z.string().default('none'), timeoutMs: 1_000, onTimeout: 'default' },
        done: { kind: 'output', value: 'note: {{outputs.note}}' },
      },
      edges: [['note', 'done']],
    })
    const job = startWorkflow(waits, {})
    await job.nextInput()
    await vi.advanceTimersByTimeAsync(1_000)
    await job.done
    expect(job.error()).toBeUndefined()
    expect(job.state().content).toBe('note: none')
  })
})
