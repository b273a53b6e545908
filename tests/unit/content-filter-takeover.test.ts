/**
 * A chat job whose last round the provider's content filter ended before any text fails with
 * `upstream-content-filter` (model-content-filter.test.ts). When its owner was lost after that
 * round's `step-end` was stored but before the job's end, the instance that took it over saw "a
 * round without tool calls" and ended it `completed` with an empty answer: the same log ended
 * two ways. It now fails the same way, asking the model nothing more.
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { roundTextStarts } from '../../server/lib/executor/round-text'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createFakeRunContext } from '../support/fake-run-context'

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`
const REQUEST = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'Tell me something' }] }

function runOn(body: string) {
  let requests = 0
  const fetch: FetchLike = async () => {
    requests++
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })
  }
  const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://api.openai.test/v1', apiKey: 'sk-test', fetch })
  return { fake: createFakeRunContext({ model }), requests: () => requests }
}

describe('a filtered round stored before a takeover', () => {
  it('fails the continued job with upstream-content-filter instead of completing it empty', async () => {
    const first = runOn(chunk({ content: '' }) + chunk({}, 'content_filter') + 'data: [DONE]\n\n')
    await expect(runChatJob(first.fake.context, REQUEST)).rejects.toMatchObject({ code: 'upstream-content-filter' })
    // The owner died after the round's step-end was stored, before the job's end.
    const stored: JobEvent[] = first.fake.events.slice()
    const initial = createJobState({ id: 'job-1', type: 'chat', createdAt: 0, status: 'running' })
    const resumedFrom = reduceEvents(initial, stored)

    const second = runOn(chunk({ content: 'Hello' }, 'stop') + 'data: [DONE]\n\n')
    const run = runChatJob({ ...second.fake.context, resumedFrom, resumedTextStarts: roundTextStarts(initial, stored) }, REQUEST)
    await expect(run).rejects.toMatchObject({ code: 'upstream-content-filter', details: { failedDuring: 'model' } })
    expect(second.requests()).toBe(0)
  })

  it('a filtered round that said something still completes with it', async () => {
    const first = runOn(chunk({ content: 'Part of it' }) + chunk({}, 'content_filter') + 'data: [DONE]\n\n')
    await runChatJob(first.fake.context, REQUEST)
    const stored: JobEvent[] = first.fake.events.slice()
    const initial = createJobState({ id: 'job-1', type: 'chat', createdAt: 0, status: 'running' })
    const second = runOn(chunk({ content: 'Hello' }, 'stop') + 'data: [DONE]\n\n')
    await expect(runChatJob({ ...second.fake.context, resumedFrom: reduceEvents(initial, stored), resumedTextStarts: roundTextStarts(initial, stored) }, REQUEST)).resolves.toBeUndefined()
    expect(second.requests()).toBe(0)
  })
})
