/**
 * When the app's `background-jobs:feature-flags` hook turns tools off for a user, that user's
 * workflow jobs are created with no tools (`tools: []`, server/api/jobs/index.post.ts), and a tool
 * node of theirs cannot run its tool. It failed with the error a model gets for a name it made up —
 * `Model tried to call unavailable tool "send_email". No tools are available.` — though no model
 * called it and the tool is registered. It must say the tool is turned off for this user, as a
 * tool the operator turned off says which setting did it.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

let sent = 0
const sendEmail = defineTool({ name: 'send_email', description: 'sends', parameters: z.object({}), execute: () => ++sent })

const notify = defineWorkflow({
  name: 'notify',
  description: 'sends an email',
  input: z.object({}),
  nodes: {
    send: { kind: 'tool', tool: 'send_email' },
    done: { kind: 'output', value: 'sent' },
  },
  edges: [['send', 'done']],
})

it('a tool node of a user whose tools flag is off says the tool is turned off for this user', async () => {
  const { engine, state } = createWorkflowEngine([notify], { tools: [sendEmail] })
  // What POST /api/jobs stores for a workflow when the user's `tools` flag is off.
  const { job } = await engine.createJob(USER, { request: { type: 'workflow', workflow: 'notify', input: {}, tools: [] } })
  await vi.advanceTimersByTimeAsync(10)
  await engine.whenSettled(job.id)
  const ended = await state(job.id)
  await engine.dispose()
  expect(ended.status).toBe('failed')
  expect(ended.error).toMatchObject({ code: 'tool-error', nodeId: 'send' })
  expect(ended.toolCalls[0]?.error).toBe('Tool "send_email" is turned off for this user (the app\'s background-jobs:feature-flags hook set flags.tools to false); it was not run')
  expect(sent).toBe(0)
})

it('the operator\'s switch is named first when both hold the tool back', async () => {
  const { engine, state } = createWorkflowEngine([notify], { tools: [sendEmail], config: { tools: { disabled: 'send_email' } } })
  const { job } = await engine.createJob(USER, { request: { type: 'workflow', workflow: 'notify', input: {}, tools: [] } })
  await vi.advanceTimersByTimeAsync(10)
  await engine.whenSettled(job.id)
  const ended = await state(job.id)
  await engine.dispose()
  expect(ended.toolCalls[0]?.error).toBe('Tool "send_email" is turned off on this server (tools.disabled); it was not run')
})
