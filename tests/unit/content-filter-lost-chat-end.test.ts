/**
 * A chat whose last round the provider's content filter ended before any text fails with
 * `upstream-content-filter` (model-content-filter.test.ts); so does one continued after a takeover
 * (`recovery.chat: 'continue'`, content-filter-takeover.test.ts). With the default
 * `recovery.chat: 'fail'`, the instance that ends a lost owner's chat took that stored round for a
 * complete answer (answeredBefore) and ended the job `completed` with no answer: the same log ended
 * two ways, and the user was shown an empty answer as a success. It now fails the same way.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { resolveConfig } from '../../server/lib/config'
import { roundTextStarts } from '../../server/lib/executor/round-text'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { silentLogger } from '../../server/lib/logger'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import type { JobLease, JobRecord } from '../../server/lib/providers/types'
import { createRecoveredEnds } from '../../server/lib/recovered-end'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createFakeRunContext } from '../support/fake-run-context'

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`
const FILTERED_EMPTY = chunk({ content: '' }) + chunk({}, 'content_filter') + 'data: [DONE]\n\n'
const LOOK_UP = chunk({ content: 'Let me look that up.', tool_calls: [{ index: 0, id: 'call-1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] }) + chunk({}, 'tool_calls') + 'data: [DONE]\n\n'
const REQUEST = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'Tell me something' }] }
const lookup = defineTool({ name: 'lookup', description: 'Looks it up', parameters: z.object({}), execute: () => 'found' })

/** The stored log of the lost owner's run: its rounds answered by `bodies` in turn. */
async function storedLog(bodies: string[]): Promise<JobEvent[]> {
  let request = 0
  const fetch: FetchLike = async () => new Response(bodies[request++], { status: 200, headers: { 'content-type': 'text/event-stream' } })
  const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://api.openai.test/v1', apiKey: 'sk-test', fetch })
  const fake = createFakeRunContext({ model, tools: [lookup] })
  await expect(runChatJob(fake.context, { ...REQUEST, tools: ['lookup'] })).rejects.toMatchObject({ code: 'upstream-content-filter' })
  return fake.events.slice()
}

/** Ends the lost chat whose stored log is `events` as the takeover does; the end it stored. */
async function endLost(events: JobEvent[], withStarts: boolean): Promise<JobEvent> {
  const initial = createJobState({ id: 'job-1', type: 'chat', createdAt: 0, status: 'running' })
  const state = reduceEvents(initial, events)
  const appended: JobEvent[] = []
  const { endLostChat } = createRecoveredEnds({
    provider: { appendEvents: async (_id, batch) => { appended.push(...batch); return { ok: true, lastSeq: batch.at(-1)!.seq } } },
    logger: silentLogger,
    now: () => 1_000,
    tools: createToolRegistry([lookup]),
  })
  const record = { id: 'job-1', userId: 'u1', type: 'chat', status: 'running', threadId: null, messageId: null, idempotencyKey: null, title: 'Tell me something', request: REQUEST, createdAt: 0, updatedAt: 0, endedAt: null, lastSeq: state.seq, lease: { instanceId: 'B', epoch: 2, expiresAt: 60_000 } } as JobRecord & { lease: JobLease }
  expect(await endLostChat(record, state, resolveConfig({}), false, withStarts ? roundTextStarts(initial, events) : undefined)).toBe(true)
  expect(appended).toHaveLength(1)
  return appended[0]!
}

describe('a lost chat whose stored last round was filtered before any text (recovery.chat: fail)', () => {
  it('ends failed with upstream-content-filter, not completed empty', async () => {
    const end = await endLost(await storedLog([FILTERED_EMPTY]), false)
    expect(end).toMatchObject({ type: 'job-end', status: 'failed', error: { code: 'upstream-content-filter', failedDuring: 'model' } })
  })

  it('also after an earlier round that wrote text and called a tool (told apart by the rounds\' starts)', async () => {
    const end = await endLost(await storedLog([LOOK_UP, FILTERED_EMPTY]), true)
    expect(end).toMatchObject({ type: 'job-end', status: 'failed', error: { code: 'upstream-content-filter' } })
  })
})
