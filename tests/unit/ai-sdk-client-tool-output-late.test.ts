/**
 * A client tool's output posted after its wait ended (a browser tool slower than
 * `limits.inputTimeoutMs`, a tab asleep, a Stop from another tab): the chat route answers with the
 * job's stream from just before the call's end — the call ends as it did, then what the model said
 * without it — instead of a 400 the user could not act on, and the output reaches nothing.
 * An output for a call the job never asked the browser for is still the 400, answering nothing.
 * The job's wait runs on fake timers (the engine directly); the posts go through the real route.
 */
import { z } from 'zod'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelRequest } from '../../server/lib/model/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest } from '../support/engine-harness'
import { useServedRoutes } from '../support/route-app'
import { callsThenAnswer, LOCATION_CALL } from '../support/calls-then-answer'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const requests: ModelRequest[] = []
/** Holds the model's answer after the tool results until opened. */
let gate = Promise.resolve()
/** Whether `get_time` (a server tool) fails. */
let clockBroken = false

/** To a user message: calls `get_location` (client), `get_time` (server) and, when offered, `delete_file` (approval); after their results: what the location tool said. */
const model = callsThenAnswer(requests, request => [
  LOCATION_CALL,
  { id: 'call_time', name: 'get_time', arguments: '{}' },
  ...request.tools?.some(tool => tool.function.name === 'delete_file') ? [{ id: 'call_del', name: 'delete_file', arguments: '{"path":"a.txt"}' }] : [],
], async (request) => {
  await gate
  const told = String(request.messages.find(message => message.role === 'tool' && message.tool_call_id === 'call_loc')!.content)
  return told.includes('no output in time') ? 'Answered without your location.' : `Location tool said ${told}`
})

const tools = createToolRegistry([
  defineTool({ name: 'get_location', description: 'Where the browser is', parameters: z.object({}), runtime: 'client' }),
  defineTool({
    name: 'get_time',
    description: 'The time',
    parameters: z.object({}),
    execute: () => {
      if (clockBroken) throw new Error('clock broken')
      return '12:00'
    },
  }),
  defineTool({ name: 'delete_file', description: 'Deletes a file', parameters: z.object({ path: z.string() }), needsApproval: true, execute: () => ++deleted }),
])
/** How often `delete_file` ran. */
let deleted = 0

const app = useServedRoutes({ runners: { chat: runChatJob }, model, tools, config: { limits: { inputTimeoutMs: 1_000 } } })

afterEach(() => {
  vi.useRealTimers()
  gate = Promise.resolve()
  clockBroken = false
})

/** Starts chat `chatId`'s job on fake timers and lets it reach the browser's wait; `end` then ends the wait (its expiry, a Stop). */
async function jobThatWaited(chatId: string, end: (jobId: string) => Promise<unknown>, extraTools: string[] = []) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  const { job } = await app.engine.createJob('user-1', { request: { ...chatRequest, tools: ['get_location', 'get_time', ...extraTools] }, threadId: chatId })
  await vi.advanceTimersByTimeAsync(100)
  expect((await app.engine.getJob('user-1', job.id)).state.pendingInputs).toEqual([expect.objectContaining({ kind: 'tool-output', toolCallId: 'call_loc' }), ...extraTools.map(() => expect.objectContaining({ kind: 'tool-approval' }))])
  await end(job.id)
  vi.useRealTimers()
  return job.id
}

type ToolPart = { type: string, toolCallId: string, state: string, input: unknown, output?: unknown, errorText?: string, approval?: { id: string, approved: boolean } }
const locationOutput = (output: unknown): ToolPart => ({ type: 'tool-get_location', toolCallId: 'call_loc', state: 'output-available', input: {}, output })

/** Posts, as `sendAutomaticallyWhen` does, the assistant message `jobId` with `parts` (after a step start). */
function postOutputs(chatId: string, jobId: string, parts: ToolPart[]) {
  const messages = [{ id: 'user-msg', role: 'user', parts: [{ type: 'text', text: 'hi' }] }, { id: jobId, role: 'assistant', parts: [{ type: 'step-start' }, ...parts] }]
  return fetch(`${app.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: chatId, messages, trigger: 'submit-message', messageId: jobId }) })
}

type Chunk = { type: string, toolCallId?: string, delta?: string, output?: unknown, errorText?: string, finishReason?: string }
const chunksOf = async (response: Response) => (await response.text()).split('\n').filter(line => line.startsWith('data: {')).map(line => JSON.parse(line.slice('data: '.length)) as Chunk)
const textOf = (chunks: Chunk[]) => chunks.filter(chunk => chunk.type === 'text-delta').map(chunk => chunk.delta).join('')
/** Whether any model request read `Berlin` (the late output). */
const modelReadBerlin = () => requests.some(request => request.messages.some(message => JSON.stringify(message.content ?? '').includes('Berlin')))

describe('a client tool\'s output posted after its wait ended', () => {
  it('after its expiry, while the model still answers: the call\'s timeout end, then the rest live', async () => {
    requests.length = 0
    let openGate: () => void = () => {}
    gate = new Promise<void>(resolve => (openGate = resolve))
    const jobId = await jobThatWaited('chat-late-running', () => vi.advanceTimersByTimeAsync(1_000))
    expect((await app.engine.getJob('user-1', jobId)).state.status).toBe('running')
    const response = await postOutputs('chat-late-running', jobId, [locationOutput('Berlin')])
    // Before: a 400 naming the part ("… the job ended this call as timeout …").
    expect(response.status).toBe(200)
    openGate()
    const chunks = await chunksOf(response)
    const end = chunks.findIndex(chunk => chunk.type === 'tool-output-error' && chunk.toolCallId === 'call_loc')
    expect(chunks[end]!.errorText).toMatch(/gave no output in time/)
    expect(chunks.findIndex(chunk => chunk.type === 'text-delta')).toBeGreaterThan(end)
    expect(textOf(chunks)).toBe('Answered without your location.')
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
    expect(chunks.some(chunk => chunk.output === 'Berlin')).toBe(false)
    await app.engine.whenSettled(jobId)
    expect((await app.engine.getJob('user-1', jobId)).state).toMatchObject({ status: 'completed', content: 'Answered without your location.' })
    expect(modelReadBerlin()).toBe(false)
  })

  it('after its expiry, the job completed since: the same end and the answer, then the finish', async () => {
    requests.length = 0
    const jobId = await jobThatWaited('chat-late-completed', async (id) => {
      await vi.advanceTimersByTimeAsync(1_000)
      await app.engine.whenSettled(id)
    })
    expect((await app.engine.getJob('user-1', jobId)).state.status).toBe('completed')
    const response = await postOutputs('chat-late-completed', jobId, [locationOutput('Berlin')])
    // Before: the 400.
    expect(response.status).toBe(200)
    const chunks = await chunksOf(response)
    expect(chunks.find(chunk => chunk.type === 'tool-output-error')).toMatchObject({ toolCallId: 'call_loc', errorText: expect.stringMatching(/gave no output in time/) })
    expect(textOf(chunks)).toBe('Answered without your location.')
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
    expect(requests).toHaveLength(2)
    expect(modelReadBerlin()).toBe(false)
  })

  it('after a Stop while it waited: the call\'s stopped end, the job aborted, nothing runs', async () => {
    requests.length = 0
    const jobId = await jobThatWaited('chat-late-stopped', async (id) => {
      await app.engine.abortJob('user-1', id)
      await app.engine.whenSettled(id)
    })
    const response = await postOutputs('chat-late-stopped', jobId, [locationOutput('Berlin')])
    // Before: the 400 ("… the job ended this call as stopped …").
    expect(response.status).toBe(200)
    const chunks = await chunksOf(response)
    expect(chunks.find(chunk => chunk.type === 'tool-output-error')).toMatchObject({ toolCallId: 'call_loc', errorText: expect.stringMatching(/aborted/) })
    expect(textOf(chunks)).toBe('')
    expect((await app.engine.getJob('user-1', jobId)).state.status).toBe('aborted')
    expect(requests).toHaveLength(1)
  })

  it('with an output for the job\'s own server tool\'s call (which failed) beside it: still the 400, naming that part, answering nothing', async () => {
    requests.length = 0
    clockBroken = true
    const jobId = await jobThatWaited('chat-late-server', () => vi.advanceTimersByTimeAsync(1_000))
    await app.engine.whenSettled(jobId)
    const before = (await app.engine.getJob('user-1', jobId)).state
    const timePart: ToolPart = { type: 'tool-get_time', toolCallId: 'call_time', state: 'output-available', input: {}, output: '13:00' }
    const response = await postOutputs('chat-late-server', jobId, [locationOutput('Berlin'), timePart])
    expect(response.status).toBe(400)
    // Before: the 400 named the late output's part (1) first.
    expect(await response.text()).toMatch(/^messages\.1\.parts\.2: an output for tool call "call_time" \(get_time\) that its job did not give: tools run in the background job on the server; the job ended this call as error/)
    expect((await app.engine.getJob('user-1', jobId)).state).toEqual(before)
    expect(requests).toHaveLength(2)
  })

  it('with an output for a call the job never had beside it: still the 400, naming that part, answering nothing', async () => {
    requests.length = 0
    const jobId = await jobThatWaited('chat-late-unknown', () => vi.advanceTimersByTimeAsync(1_000))
    await app.engine.whenSettled(jobId)
    const before = (await app.engine.getJob('user-1', jobId)).state
    const stray: ToolPart = { type: 'tool-get_location', toolCallId: 'call_other', state: 'output-available', input: {}, output: 'Paris' }
    const response = await postOutputs('chat-late-unknown', jobId, [locationOutput('Berlin'), stray])
    expect(response.status).toBe(400)
    // Before: the 400 named the late output's part (1) first.
    expect(await response.text()).toMatch(/^messages\.1\.parts\.2: an output for tool call "call_other" \(get_location, a runtime: 'client' tool\) that its job did not give: .* the job has no such call/)
    expect((await app.engine.getJob('user-1', jobId)).state).toEqual(before)
    expect(requests).toHaveLength(2)
  })

  it('an output-error from the browser, the job completed since: the call\'s timeout end and the answer, not the settled stream', async () => {
    requests.length = 0
    const jobId = await jobThatWaited('chat-late-error', async (id) => {
      await vi.advanceTimersByTimeAsync(1_000)
      await app.engine.whenSettled(id)
    })
    const denied: ToolPart = { type: 'tool-get_location', toolCallId: 'call_loc', state: 'output-error', input: {}, errorText: 'User denied Geolocation' }
    const chunks = await chunksOf(await postOutputs('chat-late-error', jobId, [denied]))
    // Before: the settled stream (an empty step, no text): the answer showed only after a reload.
    const end = chunks.find(chunk => chunk.type === 'tool-output-error' && chunk.toolCallId === 'call_loc')
    expect(end?.errorText).toMatch(/gave no output in time/)
    expect(textOf(chunks)).toBe('Answered without your location.')
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
    expect(requests).toHaveLength(2)
    expect(requests.some(request => JSON.stringify(request.messages).includes('User denied'))).toBe(false)
    // That end posted back (the SDK's automatic send on the step it closed): the settled stream, so no re-post loop.
    const again = await chunksOf(await postOutputs('chat-late-error', jobId, [{ ...denied, errorText: end!.errorText }]))
    expect(again.map(chunk => chunk.type)).toEqual(['start-step', 'start', 'finish-step', 'finish'])
  })

  it('beside a tool approval, both waits expired and the job completed: each call\'s end and the answer, not a 400; nothing runs', async () => {
    requests.length = 0
    deleted = 0
    let approvalId = ''
    const jobId = await jobThatWaited('chat-late-approval', async (id) => {
      approvalId = (await app.engine.getJob('user-1', id)).state.pendingInputs.find(input => input.kind === 'tool-approval')!.requestId
      await vi.advanceTimersByTimeAsync(1_000)
      await app.engine.whenSettled(id)
    }, ['delete_file'])
    const approved: ToolPart = { type: 'tool-delete_file', toolCallId: 'call_del', state: 'approval-responded', input: { path: 'a.txt' }, approval: { id: approvalId, approved: true } }
    const response = await postOutputs('chat-late-approval', jobId, [locationOutput('Berlin'), approved])
    // Before: a 400 naming the output's part ("… the job ended this call as timeout …").
    expect(response.status).toBe(200)
    const chunks = await chunksOf(response)
    expect(chunks.find(chunk => chunk.type === 'tool-output-error' && chunk.toolCallId === 'call_loc')?.errorText).toMatch(/gave no output in time/)
    expect(chunks.some(chunk => chunk.type === 'tool-output-denied' && chunk.toolCallId === 'call_del')).toBe(true)
    expect(textOf(chunks)).toBe('Answered without your location.')
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
    expect(deleted).toBe(0)
    expect(requests).toHaveLength(2)
    expect(modelReadBerlin()).toBe(false)
  })

  it('beside a tool approval, both waits ended by a Stop: each call cut off, the job aborted, not a 400; nothing runs', async () => {
    requests.length = 0
    deleted = 0
    let approvalId = ''
    const jobId = await jobThatWaited('chat-late-approval-stopped', async (id) => {
      approvalId = (await app.engine.getJob('user-1', id)).state.pendingInputs.find(input => input.kind === 'tool-approval')!.requestId
      await app.engine.abortJob('user-1', id)
      await app.engine.whenSettled(id)
    }, ['delete_file'])
    const approved: ToolPart = { type: 'tool-delete_file', toolCallId: 'call_del', state: 'approval-responded', input: { path: 'a.txt' }, approval: { id: approvalId, approved: true } }
    const response = await postOutputs('chat-late-approval-stopped', jobId, [locationOutput('Berlin'), approved])
    // Before: the 400 ("… the job ended this call as stopped …").
    expect(response.status).toBe(200)
    const chunks = await chunksOf(response)
    expect(chunks.find(chunk => chunk.type === 'tool-output-error' && chunk.toolCallId === 'call_loc')?.errorText).toMatch(/aborted/)
    expect(chunks.some(chunk => chunk.type === 'tool-output-denied' && chunk.toolCallId === 'call_del')).toBe(true)
    expect(textOf(chunks)).toBe('')
    expect((await app.engine.getJob('user-1', jobId)).state.status).toBe('aborted')
    expect(deleted).toBe(0)
    expect(requests).toHaveLength(1)
  })
})
