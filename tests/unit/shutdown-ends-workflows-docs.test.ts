/**
 * docs/restarts-and-upgrades.md, "Graceful shutdown": a shutdown ends every running job `failed` with code
 * `shutdown`, and only with a shared provider (and several instances) are workflows handed off
 * instead. The page said "every running chat job", so an operator on the memory provider read that
 * workflows were spared; they end `shutdown` as chats do (one waiting for a human answer too).
 * architecture.md's state diagram had a waiting job fail only by `onTimeout = fail`.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { docSection } from '../support/docs-section'
import { createTestEngine } from '../support/engine-harness'

const asking = defineWorkflow({
  name: 'asking',
  description: 'waits for a human answer',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Go on?', schema: z.object({ ok: z.boolean() }) },
    done: { kind: 'output', value: 'ok' },
  },
  edges: [['ask', 'done']],
})

/** The "Graceful shutdown" section of docs/restarts-and-upgrades.md, on one line. */
function shutdownSection(): string {
  return docSection('restarts-and-upgrades.md', 'Graceful shutdown').replace(/\s+/g, ' ')
}

describe('a shutdown on the memory provider', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ends a running workflow failed with code shutdown, and restarts-and-upgrades.md says every running job does', async () => {
    const ended: Array<[string, string | undefined]> = []
    const { engine } = createTestEngine({
      runners: { chat: async () => {}, workflow: runWorkflowJob },
      workflows: createWorkflowRegistry([asking]),
      hooks: { jobEnded: (_job, state) => void ended.push([state.status, state.error?.code]) },
    })
    const { job } = await engine.createJob('u1', { request: { type: 'workflow', workflow: 'asking', input: {} } })
    await vi.advanceTimersByTimeAsync(100)
    expect((await engine.getJob('u1', job.id)).state.status).toBe('waiting')
    await engine.dispose()
    expect(ended).toEqual([['failed', 'shutdown']])

    const section = shutdownSection()
    expect(section).toContain('every running job (chat or workflow, one waiting for an answer too) ends `failed` with code `shutdown`')
    expect(section).not.toContain('every running chat job ends')
    // architecture.md's state diagram: a waiting job ends failed by shutdown too (and by the job's time limit, which counts the wait).
    const edge = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8').split('\n').find(line => line.trim().startsWith('waiting --> failed:')) ?? ''
    expect(edge).toContain('shutdown')
  })
})
