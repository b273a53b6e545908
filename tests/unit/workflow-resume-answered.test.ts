/**
 * A takeover after an input node's answer was stored but before its `node-end` was: the answer is
 * used, the question is not asked again. `POST …/input` answers once the answer is stored
 * (stored-answer.ts), and the node's end goes in a later write; before, an owner lost between the
 * two left the node `running`, and the new owner asked the question again although the user had
 * been told the answer went through.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { JobEvent } from '../../shared/events'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const publish = defineWorkflow({
  name: 'publish',
  description: 'asks, then publishes or not',
  input: z.object({}),
  nodes: {
    ask: {
      kind: 'input',
      prompt: 'Publish?',
      schema: z.object({ approved: z.boolean(), note: z.string().default('none') }),
      onTimeout: 'default',
      timeoutAnswer: { approved: false },
    },
    decide: { kind: 'branch', choose: state => ((state.outputs.ask as { approved: boolean }).approved ? 'yes' : 'no') },
    yes: { kind: 'output', value: 'Published ({{outputs.ask.note}}).' },
    no: { kind: 'output', value: 'Not published ({{outputs.ask.note}}).' },
  },
  edges: [['ask', 'decide'], ['decide', 'yes'], ['decide', 'no']],
})

/** The state the store holds when the log ends right after the `input-response` of `ask`. */
function storedUntilAnswer(events: JobEvent[]) {
  const index = events.findIndex(event => event.type === 'input-response')
  return reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0 }), events.slice(0, index + 1))
}

afterEach(() => {
  vi.useRealTimers()
})

describe('takeover after an input node was answered', () => {
  it('uses the stored answer instead of asking again', async () => {
    const first = startWorkflow(publish, {})
    await first.nextInput()
    first.answer({ approved: true, note: 'by Ann' })
    await first.done
    const resumedFrom = storedUntilAnswer(first.events)
    expect(resumedFrom.nodeStates.ask!.status).toBe('running')
    expect(resumedFrom.answeredInputs).toMatchObject([{ nodeId: 'ask', answer: { approved: true, note: 'by Ann' } }])

    const resumed = startWorkflow(publish, {}, { resumedFrom, continueLog: true })
    const askedAgain = await Promise.race([resumed.done.then(() => false), resumed.nextInput().then(() => true)])
    if (askedAgain) resumed.abort()
    await resumed.done
    expect(askedAgain).toBe(false)
    expect(resumed.error()).toBeUndefined()
    expect(resumed.events.filter(event => event.type === 'input-request')).toEqual([])
    expect(resumed.state().nodeStates.ask).toMatchObject({ status: 'completed', output: { approved: true, note: 'by Ann' } })
    expect(resumed.state().content).toBe('Published (by Ann).')
    expect(resumed.state().executionOrder).toEqual(['ask', 'decide', 'yes'])
  })

  it('uses a stored timeout answer, parsed by the schema as the node does', async () => {
    vi.useFakeTimers()
    const first = startWorkflow(publish, {})
    await first.nextInput()
    await vi.advanceTimersByTimeAsync(first.context.config.limits.inputTimeoutMs)
    await first.done
    const resumedFrom = storedUntilAnswer(first.events)
    expect(resumedFrom.answeredInputs).toMatchObject([{ nodeId: 'ask', answer: { approved: false }, answeredBy: 'timeout' }])

    const resumed = startWorkflow(publish, {}, { resumedFrom, continueLog: true })
    const askedAgain = await Promise.race([resumed.done.then(() => false), resumed.nextInput().then(() => true)])
    if (askedAgain) resumed.abort()
    await resumed.done
    expect(askedAgain).toBe(false)
    expect(resumed.state().nodeStates.ask).toMatchObject({ status: 'completed', output: { approved: false, note: 'none' } })
    expect(resumed.state().content).toBe('Not published (none).')
  })
})
