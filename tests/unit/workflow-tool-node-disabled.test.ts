/**
 * A tool node whose tool the operator turned off (`tools.disabled`, or `tools.enabled` false) fails
 * saying so. Before, its error was the one a model gets for a name it made up: `Model tried to call
 * unavailable tool "send_email". Available tools: …` — no model called it, and it is not unknown.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { createWorkflowEngine } from '../support/workflow-engine'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

let sent = 0
const sendEmail = defineTool({ name: 'send_email', description: 'sends', parameters: z.object({}), execute: () => ++sent })
const lookUp = defineTool({ name: 'look_up', description: 'looks up', parameters: z.object({}), execute: () => 'found' })

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

async function run(config: BackgroundJobsConfigInput) {
  sent = 0
  const { engine, start, state } = createWorkflowEngine([notify], { tools: [sendEmail, lookUp], config })
  const jobId = await start('notify')
  await vi.advanceTimersByTimeAsync(10)
  await engine.whenSettled(jobId)
  const ended = await state(jobId)
  await engine.dispose()
  return ended
}

describe('a tool node whose tool is turned off', () => {
  it('names tools.disabled', async () => {
    const ended = await run({ tools: { disabled: 'send_email' } })
    expect(ended.status).toBe('failed')
    expect(ended.error).toMatchObject({ code: 'tool-error', nodeId: 'send' })
    expect(ended.toolCalls[0]?.error).toBe('Tool "send_email" is turned off on this server (tools.disabled); it was not run')
    expect(sent).toBe(0)
  })

  it('names tools.enabled', async () => {
    const ended = await run({ tools: { enabled: false } })
    expect(ended.toolCalls[0]?.error).toBe('Tool "send_email" is turned off on this server (tools.enabled is false); it was not run')
    expect(sent).toBe(0)
  })
})
