/**
 * The earlier turns' tool outcomes (decision 15) stay within the limits a history is held to: a
 * long result is cut to `limits.maxMessageChars` with a marker that says so, and a job's rounds are
 * left out (its answer going as its text) when they would take the history past `limits.maxMessages`.
 */
import type { H3Event } from 'h3'
import { afterEach, expect, it } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { chatJobInputOf } from '../../server/lib/http/chat-job-retry'
import { withEarlierToolOutcomes } from '../../server/lib/http/earlier-tool-outcomes'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const event = { context: {}, node: { req: { headers: {} } } } as unknown as H3Event
const flags = { enabled: true, tools: true, workflows: true }
const lookup = defineTool({ name: 'lookup', description: 'looks up', parameters: z.object({}), execute: () => ({ text: 'x'.repeat(2_000) }) })

let dispose: (() => Promise<void>) | undefined
afterEach(async () => {
  await dispose?.()
  dispose = undefined
})

/** The history the next turn's job is created with, after a turn that called `lookup`. */
async function nextTurnHistory(config: BackgroundJobsConfigInput) {
  const model = createStepModel([toolStep([{ id: 'call_1', name: 'lookup' }]), textStep('Found it.')])
  const { engine, config: resolved } = createTestEngine({ runners: { chat: runChatJob }, model, tools: createToolRegistry([lookup]), config })
  dispose = () => engine.dispose()
  const first = (await engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'look it up' }] }, threadId: 't1' })).job
  await engine.whenSettled(first.id)
  const body = { threadId: 't1', messages: [{ role: 'user', content: 'look it up' }, { role: 'assistant', content: 'Found it.', jobId: first.id }, { role: 'user', content: 'what did it say?' }] }
  const input = await withEarlierToolOutcomes({ event, engine, config: resolved, userId: 'user-1', flags }, chatJobInputOf(body, resolved, flags, null))
  if (input.request.type !== 'chat') throw new Error('not a chat job')
  return input.request.messages
}

it('a long earlier result is cut to limits.maxMessageChars, with a marker', async () => {
  const messages = await nextTurnHistory({ limits: { maxMessageChars: 500 } })
  const tool = messages.find(message => message.role === 'tool')!
  expect(tool.content!.length).toBeLessThanOrEqual(500)
  expect(tool.content).toMatch(/… \[cut: this earlier tool result was longer than limits\.maxMessageChars\]$/)
})

it('rounds that would take the history past limits.maxMessages are left out: the answer goes as its text', async () => {
  expect(await nextTurnHistory({ limits: { maxMessages: 4 } })).toEqual([
    { role: 'user', content: 'look it up' },
    { role: 'assistant', content: 'Found it.' },
    { role: 'user', content: 'what did it say?' },
  ])
})
