/**
 * docs/observability.md said the job span's `background_jobs.input.cancelled` event means a
 * question "voided by a takeover". It is also what a question withdrawn without an answer says:
 * its asker gave up (a parallel branch cancelled because a sibling failed, or the node's own
 * limit), `answered_by` = `system:cancelled`. An operator who read the event as a takeover looked
 * for a lost instance that never was. The docs name both causes, and `answered_by` tells them apart.
 */
import { readFileSync } from 'node:fs'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createTestEngine } from '../support/engine-harness'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'
import { createWorkflowFakeModel } from '../support/workflow-fake-context'

const asking = defineWorkflow({
  name: 'asking',
  description: 'one branch asks a human, the other fails',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['ask', 'bad'] },
    ask: { kind: 'input', prompt: 'Go on?', schema: z.object({ ok: z.boolean() }) },
    bad: { kind: 'agent', instructions: 'x', prompt: () => { throw new Error('no prompt today') } },
    done: { kind: 'output', value: 'ok' },
  },
  edges: [['fan', 'done']],
})

describe('a question withdrawn because its branch was cancelled', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('is an .input.cancelled span event answered by system:cancelled, as the docs say', async () => {
    const { engine } = createTestEngine({
      runners: { chat: runChatJob, workflow: runWorkflowJob },
      model: createWorkflowFakeModel(),
      workflows: createWorkflowRegistry([asking]),
    })
    const { job } = await engine.createJob('u1', { request: { type: 'workflow', workflow: 'asking', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)
    await engine.dispose()
    const [span] = tracing.named('background_jobs.job')
    const events = span!.events.filter(event => event.name.startsWith('background_jobs.input.'))
    expect(events.map(event => [event.name, event.attributes?.['background_jobs.input.answered_by']])).toEqual([
      ['background_jobs.input.requested', undefined],
      ['background_jobs.input.cancelled', 'system:cancelled'],
    ])

    const docs = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8')
    const sentence = /`\.input\.cancelled` \(([^)]*(?:\([^)]*\)[^)]*)*)\)/.exec(docs)?.[1] ?? ''
    expect(sentence).toContain('system:owner-lost')
    expect(sentence).toContain('system:cancelled')
  })
})
