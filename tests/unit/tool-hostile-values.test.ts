/**
 * Values a misbehaving tool hands back that no other test names: a thenable whose `then` throws,
 * an Error that is its own cause, and a result whose getter makes a new level at every read (no
 * end to its depth). Each must end only its call, with an error naming the tool, and leave no timer.
 */
import { expect, it } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep, toolStep } from '../support/step-model'

/** An object whose `next` getter returns a new one like it: JSON would never reach its end. */
function endless(): object {
  return { get next() { return endless() } }
}

const HOSTILE: Record<string, () => unknown> = {
  'thenable': () => ({ then() { throw new Error('then threw') } }),
  'own-cause': () => { const error = new Error('loop'); error.cause = error; throw error },
  'endless': () => endless(),
}

async function callOf(kind: string) {
  const tool = defineTool({ name: 'hostile', description: 'Misbehaves', parameters: z.object({}), execute: HOSTILE[kind]! as () => Promise<unknown> })
  const model = createStepModel([toolStep([{ id: 'h1', name: 'hostile' }]), textStep('Done.')])
  const run = createFakeRunContext({ model, tools: [tool], config: { tools: { errorMessages: 'all' } } })
  await runAgentLoop(run.context, { messages: [{ role: 'user', content: 'Go.' }] })
  return { call: run.state().toolCalls[0]!, content: run.state().content, timers: run.context.timers.size }
}

it('a thenable whose then throws fails the call with what it threw; the job goes on', async () => {
  expect(await callOf('thenable')).toEqual({ call: expect.objectContaining({ status: 'error', error: 'Tool "hostile" failed: then threw' }), content: 'Done.', timers: 0 })
})

it('an Error that is its own cause fails the call with its message (the cause chain is not walked forever)', async () => {
  expect(await callOf('own-cause')).toEqual({ call: expect.objectContaining({ status: 'error', error: 'Tool "hostile" failed: loop' }), content: 'Done.', timers: 0 })
})

it('a result whose getter nests without end is refused as too deep, naming the tool', async () => {
  const { call, content, timers } = await callOf('endless')
  expect(call).toMatchObject({ status: 'error', error: expect.stringMatching(/^Tool "hostile" returned a result that is not JSON-serializable: a value nested more than \d+ levels deep at result\.next\.next/) })
  expect({ content, timers }).toEqual({ content: 'Done.', timers: 0 })
})
