import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { callKey, maxCallsPerStep, maxSteps, repeatedCall, wallClockBudget } from '../../server/lib/executor/stop-conditions'
import { JobFailure } from '../../server/lib/run-context'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'
import calculate from '../../demo/server/tools/calculate'
import { createFakeRunContext } from '../support/fake-run-context'
import type { ModelStep } from '../support/step-model'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const user = [{ role: 'user' as const, content: 'go' }]
const calc = (expression: string, id?: string) => ({ id, name: 'calculate', args: { expression } })

function run(steps: ModelStep[], config = {}, tools: AnyToolDefinition[] = [calculate], options = {}) {
  const model = createStepModel(steps)
  const fake = createFakeRunContext({ model, tools, config })
  return { model, ...fake, outcome: runAgentLoop(fake.context, { messages: user, ...options }).then(() => null, (error: unknown) => error) }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('stop conditions', () => {
  it('max steps: fails with a clear message, keeps content, runs no more tools', async () => {
    const steps = [1, 2, 3].map(n => toolStep([calc(String(n), `c${n}`)], { text: `round ${n}. ` }))
    const { outcome, state, model } = run(steps, { limits: { maxSteps: 3 } })
    const failure = await outcome
    expect(failure).toBeInstanceOf(JobFailure)
    expect(failure).toMatchObject({ code: 'max-steps', message: expect.stringContaining('after 3 steps (limits.maxSteps)'), details: { failedDuring: 'tool', toolName: 'calculate' } })
    expect(model.requests).toHaveLength(3)
    expect(state().content).toBe('round 1. \n\nround 2. \n\nround 3. ')
    // The third round's calls were not started: their result would never reach the model.
    expect(state().toolCalls.map(call => call.id)).toEqual(['c1', 'c2'])
  })

  it('max steps: a node may pass its own limit, and the message names it (not limits.maxSteps, which would not change it)', async () => {
    const { outcome } = run([toolStep([calc('1')]), textStep('never')], { limits: { maxSteps: 10 } }, [calculate], { maxSteps: 1, nodeId: 'research' })
    const failure = await outcome
    expect(failure).toMatchObject({ code: 'max-steps', message: 'The model was still calling tools after 1 steps (maxSteps of node "research"); the answer is incomplete' })
  })

  it('max calls per step: at the limit runs, one over fails before running any', async () => {
    const atLimit = run([toolStep([calc('1', 'a'), calc('2', 'b')]), textStep('ok')], { limits: { maxCallsPerStep: 2 } })
    expect(await atLimit.outcome).toBeNull()
    const over = run([toolStep([calc('1', 'a'), calc('2', 'b'), calc('3', 'c')]), textStep('ok')], { limits: { maxCallsPerStep: 2 } })
    expect(await over.outcome).toMatchObject({ code: 'max-calls-per-step', message: expect.stringMatching(/3 tool calls in step 1; at most 2/), details: { failedDuring: 'tool', toolName: 'calculate' } })
    expect(over.state().toolCalls).toEqual([])
  })

  it('repeated call: the same tool and arguments limits.maxRepeatedCalls times stops the loop', async () => {
    const same = () => toolStep([{ name: 'calculate', args: '{"expression":"1+1"}' }])
    const { outcome, state } = run([same(), same(), toolStep([{ name: 'calculate', args: '{ "expression" : "1+1" }' }]), textStep('never')])
    expect(await outcome).toMatchObject({ code: 'repeated-call', message: expect.stringContaining('same arguments 3 times'), details: { toolName: 'calculate' } })
    expect(state().toolCalls).toHaveLength(2)
  })

  it('repeated call: different arguments are not repeats', async () => {
    const { outcome } = run([toolStep([calc('1')]), toolStep([calc('2')]), toolStep([calc('3')]), toolStep([calc('1')]), textStep('ok')])
    expect(await outcome).toBeNull()
  })

  it('wall-clock budget: no new round of tools after it is spent', async () => {
    vi.useFakeTimers()
    const slow = defineTool({ name: 'wait', description: 'Waits 1 s', parameters: z.object({ n: z.number() }), timeoutMs: 60_000, execute: () => new Promise(resolve => setTimeout(resolve, 1000, 'done')) })
    const { outcome } = run([toolStep([{ name: 'wait', args: { n: 1 } }]), toolStep([{ name: 'wait', args: { n: 2 } }]), textStep('never')], {}, [slow], { budgetMs: 1000 })
    await vi.advanceTimersByTimeAsync(1000)
    // The message names the tool the model asked for next (its name only, never its arguments), as details.toolName does.
    expect(await outcome).toMatchObject({ code: 'time-budget', message: 'The tool loop used its time budget of 1000 ms before finishing: tool "wait", which the model asked for next, was not run', details: { failedDuring: 'tool', toolName: 'wait' } })
  })

  it('wall-clock budget: a round asking for several tools names each once, at most five, then a count', () => {
    const round = (...names: string[]) => ({ step: 3, calls: names.map(name => ({ name, key: callKey(name, { secret: 'k' }) })), previousCalls: new Map<string, number>(), elapsedMs: 10 })
    expect(wallClockBudget(10)(round('search', 'fetch_page', 'search'))?.message).toBe('The tool loop used its time budget of 10 ms before finishing: tools "search" and "fetch_page", which the model asked for next, were not run')
    expect(wallClockBudget(10)(round('a', 'b', 'c', 'd', 'e', 'f', 'g'))).toMatchObject({ message: 'The tool loop used its time budget of 10 ms before finishing: tools "a", "b", "c", "d", "e" and 2 more, which the model asked for next, were not run', toolName: 'a' })
  })

  it('predicates are small and named', () => {
    const progress = { step: 2, calls: [{ name: 'a', key: callKey('a', { x: 1, y: 2 }) }], previousCalls: new Map([[callKey('a', { y: 2, x: 1 }), 1]]), elapsedMs: 10 }
    expect(maxSteps(3)(progress)).toBeUndefined()
    expect(maxSteps(2)(progress)?.code).toBe('max-steps')
    expect(maxCallsPerStep(1)(progress)).toBeUndefined()
    expect(maxCallsPerStep(0)(progress)?.code).toBe('max-calls-per-step')
    expect(repeatedCall(3)(progress)).toBeUndefined()
    expect(repeatedCall(2)(progress)?.code).toBe('repeated-call')
    expect(repeatedCall(0)(progress)).toBeUndefined() // limits.maxRepeatedCalls = 0: the check is off
    expect(wallClockBudget(11)(progress)).toBeUndefined()
    expect(wallClockBudget(10)(progress)?.code).toBe('time-budget')
  })
})
