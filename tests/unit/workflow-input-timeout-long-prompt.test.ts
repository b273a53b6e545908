/**
 * An input node that shows the person what to approve in its prompt (`Approve this draft?\n\n
 * {{outputs.draft}}`) and fails when nobody answers (`onTimeout: 'fail'`, the default). The job's
 * error quoted the whole prompt: a draft of 100 KB was the error message, in the job's \`job-end\`
 * event, its snapshot and the page's error line (line breaks and all). It now quotes the prompt's
 * first 200 characters on one line, enough to tell which question it was.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const review = defineWorkflow({
  name: 'review',
  description: 'asks to approve a draft',
  input: z.object({ draft: z.string() }),
  nodes: {
    ask: { kind: 'input', prompt: 'Approve this draft?\n\n{{input.draft}}', schema: z.boolean(), timeoutMs: 1_000 },
    done: { kind: 'output', value: 'approved: {{outputs.ask}}' },
  },
  edges: [['ask', 'done']],
})

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 2) })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('a question nobody answered in time, with a long prompt', () => {
  it('fails the job quoting the start of the prompt, on one line', async () => {
    const { engine, start } = createWorkflowEngine([review])
    const jobId = await start('review', { draft: 'word '.repeat(20_000) })
    let settled = false
    void engine.whenSettled(jobId).then(() => { settled = true })
    while (!settled) await vi.advanceTimersByTimeAsync(100)
    const { state } = await engine.getJob(USER, jobId)
    await engine.dispose()

    const quoted = `Approve this draft? ${'word '.repeat(40)}`.slice(0, 200)
    const message = `Nobody answered "${quoted}…" (node "ask") in time`
    expect(state.status).toBe('failed')
    expect(state.error).toMatchObject({ code: 'input-timeout', nodeId: 'ask', message })
  })
})
