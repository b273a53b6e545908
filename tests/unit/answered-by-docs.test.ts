/**
 * docs/api.md's event table (and the type's own comment) said an `input-response`'s `answeredBy`
 * is "the user id, or `timeout`". The log holds two more: `system:cancelled` for a question
 * withdrawn without an answer (its parallel branch was cancelled, or its node's own limit), and
 * `system:owner-lost` for one a takeover voided (asked again under a new id), both with `answer:
 * null`. A client that showed "answered by <user>" from the documented values named a user
 * `system:cancelled`. The table names every value the server writes.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { VOIDED_BY_TAKEOVER } from '../../server/lib/answer-taken'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createTestEngine } from '../support/engine-harness'
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

/** The payload cell of api.md's `input-response` row. */
function inputResponseRow(): string {
  const docs = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')
  return /^\| `input-response` \|(.*)\|$/m.exec(docs)?.[1] ?? ''
}

describe('an input-response\'s answeredBy', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is system:cancelled for a withdrawn question, and api.md says so', async () => {
    const { engine } = createTestEngine({
      runners: { chat: runChatJob, workflow: runWorkflowJob },
      model: createWorkflowFakeModel(),
      workflows: createWorkflowRegistry([asking]),
    })
    const { job } = await engine.createJob('u1', { request: { type: 'workflow', workflow: 'asking', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    await engine.dispose()
    expect(state.answeredInputs.map(input => [input.answer, input.answeredBy])).toEqual([[null, 'system:cancelled']])

    const row = inputResponseRow()
    expect(row).toContain('answeredBy')
    expect(row).toContain('`timeout`')
    expect(row).toContain('`system:cancelled`')
    expect(row).toContain(`\`${VOIDED_BY_TAKEOVER}\``)
  })
})
