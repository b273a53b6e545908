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

it('a full history gives way from its oldest turns to the newest answer\'s rounds (a long thread kept them for none)', async () => {
  const model = createStepModel([textStep('Hello.'), toolStep([{ id: 'call_1', name: 'lookup' }]), textStep('Found it.')])
  const { engine, config } = createTestEngine({ runners: { chat: runChatJob }, model, tools: createToolRegistry([lookup]), config: { limits: { maxMessages: 6, maxMessageChars: 100 } } })
  dispose = () => engine.dispose()
  const jobs = []
  for (const content of ['hi', 'look it up']) {
    const { job } = await engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content }] }, threadId: 't1' })
    await engine.whenSettled(job.id)
    jobs.push(job)
  }
  // Five messages of six: no room for the two of the newest answer's round but that of the oldest turn.
  const body = { threadId: 't1', messages: [
    { role: 'user', content: 'hi' }, { role: 'assistant', content: 'Hello.', jobId: jobs[0]!.id },
    { role: 'user', content: 'look it up' }, { role: 'assistant', content: 'Found it.', jobId: jobs[1]!.id },
    { role: 'user', content: 'what did it say?' },
  ] }
  const input = await withEarlierToolOutcomes({ event, engine, config, userId: 'user-1', flags }, chatJobInputOf(body, config, flags, null))
  if (input.request.type !== 'chat') throw new Error('not a chat job')
  expect(input.request.messages.map(message => [message.role, message.content?.slice(0, 20) ?? null])).toEqual([
    ['user', 'look it up'],
    ['assistant', null],
    ['tool', '{"text":"xxxxxxxxxxx'],
    ['assistant', 'Found it.'],
    ['user', 'what did it say?'],
  ])
})

it('a history already over limits.maxBodyBytes (the AI SDK route takes up to maxChatBodyBytes) gives way only the bytes the rounds take', async () => {
  const model = createStepModel([toolStep([{ id: 'call_1', name: 'lookup' }]), textStep('Found it.')])
  const { engine, config } = createTestEngine({ runners: { chat: runChatJob }, model, tools: createToolRegistry([lookup]), config: { limits: { maxBodyBytes: 3_000, maxMessageChars: 500 } } })
  dispose = () => engine.dispose()
  const { job } = await engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'look it up' }] }, threadId: 't1' })
  await engine.whenSettled(job.id)
  // Eight old turns of about 500 bytes each: 4 KB of text, over the 3 KB limit before any rounds.
  const old = Array.from({ length: 8 }, (_, n) => [{ role: 'user', content: `${n}`.repeat(450) }, { role: 'assistant', content: 'ok' }]).flat()
  const body = { threadId: 't1', messages: [...old, { role: 'user', content: 'look it up' }, { role: 'assistant', content: 'Found it.', jobId: job.id }, { role: 'user', content: 'what did it say?' }] }
  const input = await withEarlierToolOutcomes({ event, engine, config, userId: 'user-1', flags }, chatJobInputOf(body, config, flags, null))
  if (input.request.type !== 'chat') throw new Error('not a chat job')
  const sent = input.request.messages
  // The round (about 700 bytes) takes the two oldest turns' place, not the 1.7 KB over the limit.
  expect(sent[0]!.content).toBe('2'.repeat(450))
  expect(sent.filter(message => message.role === 'tool')).toHaveLength(1)
})
