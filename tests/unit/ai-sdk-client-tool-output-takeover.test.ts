/**
 * A client tool's output posted after a takeover voided its wait (decision 44, "an output after
 * its wait ended"): instance `a` runs the chat job while it waits for the browser, and dies; `b`
 * takes the job over (`recovery.chat = continue`), voids the wait (`system:owner-lost`: the call
 * ends as an error) and the model answers without it. The browser's output then posted to `b`
 * follows the late-output rule — the job's stream from just before the void, the call's end and
 * the answer — not a 400, and the output reaches nothing. `b` holds the job's log only from where
 * it took it, so this also covers a log read from its takeover snapshot. Two engines share one
 * memory store (fake timers); the post goes through `b`'s real route.
 */
import { z } from 'zod'
import { afterEach, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelRequest } from '../../server/lib/model/types'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { resolveConfig } from '../../server/lib/config'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { diesAfterRenewal } from '../support/dies-after-renewal'
import { serveRoutes } from '../support/route-app'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'
import { callsThenAnswer, LOCATION_CALL } from '../support/calls-then-answer'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const configInput = { upstream: { apiKey: 'sk-test-0123456789abcdef' }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' as const }, limits: { jobTimeoutMs: 3_600_000 } }
const location = defineTool({ name: 'get_location', description: 'Where the browser is', parameters: z.object({}), runtime: 'client' })
const requests: ModelRequest[] = []

/** To the user: calls `get_location` (client); after its result: says it answered without it. */
const model = callsThenAnswer(requests, () => [LOCATION_CALL], () => 'Answered without your location.')

afterEach(() => {
  vi.useRealTimers()
})

type Chunk = { type: string, toolCallId?: string, delta?: string, output?: unknown, errorText?: string, finishReason?: string }

it('an output for a call whose wait a takeover voided gets the job\'s stream from before the void, not a 400', async () => {
  vi.useFakeTimers()
  const store = createMemoryProvider()
  const b = await serveRoutes({ runners: { chat: runChatJob }, model, tools: createToolRegistry([location]), wrap: () => sharedMemory(store), config: configInput })
  const died = { at: null as number | null }
  const a = createSharedMemoryEngine({ provider: diesAfterRenewal(died)(sharedMemory(store)), instanceId: 'a', config: resolveConfig(configInput), chat: runChatJob, model, tools: [location] })
  try {
    const { job } = await a.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'Where am I?' }], tools: ['get_location'] }, threadId: 'chat-taken-over', messageId: 'u-1' })
    await vi.advanceTimersByTimeAsync(100)
    expect((await store.getState(job.id))?.pendingInputs).toEqual([expect.objectContaining({ kind: 'tool-output', toolCallId: 'call_loc' })])
    // `a` dies; `b` takes the job over, voids the wait and the model answers without the output.
    for (let step = 0; step < 2_000 && (await store.getState(job.id))?.status !== 'completed'; step++) await vi.advanceTimersByTimeAsync(10)
    expect(died.at).not.toBeNull()
    const ended = (await store.getState(job.id))!
    expect(ended).toMatchObject({ status: 'completed', content: 'Answered without your location.' })
    expect(ended.answeredInputs).toEqual([expect.objectContaining({ kind: 'tool-output', answeredBy: 'system:owner-lost' })])
    vi.useRealTimers()
    const messages = [{ id: 'u-1', role: 'user', parts: [{ type: 'text', text: 'Where am I?' }] }, { id: job.id, role: 'assistant', parts: [{ type: 'step-start' }, { type: 'tool-get_location', toolCallId: 'call_loc', state: 'output-available', input: {}, output: 'Berlin' }] }]
    const response = await fetch(`${b.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'chat-taken-over', messages, trigger: 'submit-message', messageId: job.id }) })
    expect(response.status).toBe(200)
    const chunks = (await response.text()).split('\n').filter(line => line.startsWith('data: {')).map(line => JSON.parse(line.slice('data: '.length)) as Chunk)
    const end = chunks.findIndex(chunk => chunk.type === 'tool-output-error' && chunk.toolCallId === 'call_loc')
    expect(chunks[end]?.errorText).toMatch(/server running this job stopped while the call waited for the browser's output/)
    expect(chunks.findIndex(chunk => chunk.type === 'text-delta')).toBeGreaterThan(end)
    expect(chunks.filter(chunk => chunk.type === 'text-delta').map(chunk => chunk.delta).join('')).toBe('Answered without your location.')
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
    expect(chunks.some(chunk => chunk.output === 'Berlin')).toBe(false)
    expect(requests.some(request => JSON.stringify(request.messages).includes('Berlin'))).toBe(false)
  }
  finally {
    vi.useRealTimers()
    await b.close()
    // `a` is dead (no call of it reaches the store any more): its dispose would never end, so it is left.
  }
})
