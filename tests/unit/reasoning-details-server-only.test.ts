/**
 * A chat round's OpenRouter `reasoning_details` (opaque signatures and encrypted blocks, up to
 * 256 KiB per tool round, repeating the round's reasoning) are for the engine: it stores them
 * with the round's `step-end` and sends them back with the round's calls, also after a takeover.
 * Viewers never get them: not on the live stream, a replay, a snapshot, nor `GET /api/jobs/:id`
 * (engine.getJob) — while the stored log and state still hold them.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import type { FetchLike } from '../../server/lib/model/client'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { createRecordingSink, createTestEngine } from '../support/engine-harness'
import { sse } from '../support/recording-upstream'

const lookup = defineTool({ name: 'lookup', description: 'Looks a city up', parameters: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, population: 2_100_000 }) })

const SECRET = 'enc-signature-blob'
const BLOCK = { type: 'reasoning.encrypted', data: SECRET, id: 'call_1', format: 'google-gemini-v1', index: 0 }
const BODIES = [
  sse([
    { reasoning: 'Looking Paris up.' },
    { reasoning_details: [BLOCK] },
    { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' } }] },
  ], 'tool_calls'),
  sse([{ content: 'About 2.1 million.' }], 'stop'),
]

function start() {
  const sent: Array<Record<string, unknown>> = []
  const fetch: FetchLike = async (_url, init) => {
    sent.push(JSON.parse(String(init?.body)))
    return new Response(BODIES[sent.length - 1], { status: 200, headers: { 'content-type': 'text/event-stream' } })
  }
  let go!: () => void
  const attached = new Promise<void>(resolve => go = resolve)
  const harness = createTestEngine({
    config: { upstream: { apiKey: 'sk-test' } },
    createModelClient: (config, run) => createModelClientFromConfig(config, { ...run, fetch }),
    tools: createToolRegistry([lookup]),
    runners: {
      chat: async (context, request) => {
        await attached
        return await runChatJob(context, request)
      },
    },
  })
  return { ...harness, go, sent }
}

describe('OpenRouter reasoning_details stay on the server', () => {
  it('are stored and sent back, but no viewer frame, snapshot or getJob state carries them', async () => {
    const { engine, provider, go, sent } = start()
    const { job } = await engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'How many people live in Paris?' }] } })
    const live = createRecordingSink()
    await engine.attachViewer('u1', job.id, live, null)
    go()
    await engine.whenSettled(job.id)
    // What the engine needs is there: sent back with the round's call, kept in the stored log and state.
    expect((sent[1]!.messages as Array<Record<string, unknown>>)[1]).toMatchObject({ reasoning_details: [BLOCK] })
    const stored = (await provider.readEvents(job.id, 0))!.events
    expect(stored.find(event => event.type === 'step-end' && event.step === 1)).toMatchObject({ reasoningDetails: [BLOCK] })
    expect((await provider.getState(job.id))!.steps[0]).toMatchObject({ reasoningDetails: [BLOCK] })

    const replayed = createRecordingSink()
    await engine.attachViewer('u1', job.id, replayed, 1)
    const snapshot = createRecordingSink()
    await engine.attachViewer('u1', job.id, snapshot, null)
    const { state } = await engine.getJob('u1', job.id)
    for (const sink of [live, replayed, snapshot]) expect(sink.state()!.content).toBe('About 2.1 million.')
    for (const sink of [live, replayed]) expect(sink.frames.some(frame => frame.event === 'step-end')).toBe(true)
    expect(snapshot.frames.map(frame => frame.event)).toEqual(['snapshot', 'job-end'])
    expect(JSON.stringify({ live: live.frames, replayed: replayed.frames, snapshot: snapshot.frames, state })).not.toContain(SECRET)
    expect(state.steps[0]).not.toHaveProperty('reasoningDetails')
    const stepEnd = live.frames.find(frame => frame.event === 'step-end')!.data as JobEvent
    expect(stepEnd).toMatchObject({ type: 'step-end', step: 1, finishReason: 'tool_calls', toolCallCount: 1 })
    await engine.dispose()
  })
})
