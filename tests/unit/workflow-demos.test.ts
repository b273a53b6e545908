import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import parallelBrainstorm from '../../demo/server/workflows/parallel-brainstorm'
import researchReport from '../../demo/server/workflows/research-report'
import { startWorkflow } from '../support/workflow-fake-context'

/** The built-in scripted model, paced as fast as the event loop allows. */
function scriptedModel() {
  return createModelClientFromConfig(resolveConfig({ scripted: { enabled: true, chunkIntervalMs: 0, chunkChars: 400 } }))
}

afterEach(() => {
  vi.useRealTimers()
})

describe('demo workflow research-report (built-in scripted model)', () => {
  it('researches, drafts, waits for approval, revises once on feedback, then publishes', async () => {
    const job = startWorkflow(researchReport, { topic: 'tidal power' }, { model: scriptedModel() })
    await job.nextInput()
    expect(job.state().status).toBe('waiting')
    expect(job.state().nodeStates.research!.output).toMatch(/Research this topic: tidal power/)
    expect(job.state().pendingInputs[0]!.prompt).toBe('Approve the draft report on “tidal power”, or reject it with feedback for a revision.')

    job.answer({ approved: false, feedback: 'Add costs' })
    await job.nextInput()
    expect(job.state().nodeStates.draft!.output).toMatch(/Add costs/)
    job.answer({ approved: true })
    await job.done

    expect(job.error()).toBeUndefined()
    const state = job.state()
    expect(state.executionOrder).toEqual(['research', 'draft', 'approval', 'review', 'draft', 'approval', 'review', 'final'])
    expect(state.content).toContain(`## Report: tidal power\n\n${String(state.nodeStates.draft!.output)}`)
    expect(state.content.endsWith(String(state.nodeStates.draft!.output))).toBe(true)
    const researchText = job.events.filter(event => event.type === 'text-delta' && event.nodeId === 'research')
    expect(researchText.length).toBeGreaterThan(0)
  })

  it('ends with the rejection note when nobody answers, after one revision', async () => {
    vi.useFakeTimers()
    const job = startWorkflow(researchReport, { topic: 'tidal power' })
    for (let round = 0; round < 2; round++) {
      await job.nextInput()
      await vi.advanceTimersByTimeAsync(job.context.config.limits.inputTimeoutMs)
    }
    await job.done
    expect(job.error()).toBeUndefined()
    expect(job.state().executionOrder.filter(nodeId => nodeId === 'draft')).toHaveLength(2)
    expect(job.state().content.endsWith('The report on “tidal power” was not approved: Nobody answered in time.')).toBe(true)
  })

  it('ends the reviewer’s feedback with a full stop in the redraft and the rejection note, as typed without one', async () => {
    const job = startWorkflow(researchReport, { topic: 'tidal power' }, { model: scriptedModel() })
    await job.nextInput()
    job.answer({ approved: false, feedback: '  Add costs ' })
    await job.nextInput()
    // The scripted model quotes its prompt on one line: the feedback, then the research notes.
    expect(job.state().nodeStates.draft!.output).toMatch(/The reviewer asked for changes: Add costs\. Research notes:/)
    job.answer({ approved: false, feedback: 'Shorter, please!' })
    await job.done
    expect(job.state().content.endsWith('The report on “tidal power” was not approved: Shorter, please!')).toBe(true)
  })

  it('ends a rejection note with a full stop when the feedback has none', async () => {
    const job = startWorkflow(researchReport, { topic: 'tidal power' }, { model: scriptedModel() })
    for (const feedback of ['Add costs', 'still no costs']) {
      await job.nextInput()
      job.answer({ approved: false, feedback })
    }
    await job.done
    expect(job.state().content.endsWith('The report on “tidal power” was not approved: still no costs.')).toBe(true)
  })

  it('a rejection without feedback (it is optional) ends with the rejection note, not a failed job', async () => {
    const job = startWorkflow(researchReport, { topic: 'tidal power' }, { model: scriptedModel() })
    for (let round = 0; round < 2; round++) {
      await job.nextInput()
      job.answer({ approved: false })
    }
    await job.done
    expect(job.error()).toBeUndefined()
    expect(job.state().content.endsWith('The report on “tidal power” was not approved (no feedback was given).')).toBe(true)
  })
})

describe('demo workflow parallel-brainstorm (built-in scripted model)', () => {
  it('fans out to three agents at once and joins their ideas', async () => {
    const job = startWorkflow(parallelBrainstorm, { topic: 'a city bike scheme' }, { model: scriptedModel() })
    await job.done
    expect(job.error()).toBeUndefined()
    const state = job.state()
    // All three started before any of them finished.
    expect(job.nodeLog().slice(0, 4)).toEqual(['start:brainstorm', 'start:optimist', 'start:skeptic', 'start:pragmatist'])
    expect(state.executionOrder.at(-1)).toBe('summary')
    for (const nodeId of ['optimist', 'skeptic', 'pragmatist']) {
      // Each agent's text is one block of the content, not interleaved with the others.
      expect(state.content).toContain(String(state.nodeStates[nodeId]!.output))
    }
    expect(state.content).toContain('## Brainstorm: a city bike scheme\n\n### Best case\n')
    expect(state.nodeStates.brainstorm!.output).toEqual({
      optimist: state.nodeStates.optimist!.output,
      skeptic: state.nodeStates.skeptic!.output,
      pragmatist: state.nodeStates.pragmatist!.output,
    })
  })
})
