/**
 * The AI SDK's client-side tool flow against background jobs (decision 44): a `runtime: 'client'`
 * call makes its job wait for the browser's output. The response ends with the call
 * `input-available`, the SDK's `onToolCall` runs, `addToolOutput` gives it an output and
 * `sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls` posts it: the chat route
 * takes it as the pending request's answer, the job resumes and the model reads it as the tool's
 * result. Before, the call ended at once as a tool error and the posted output was a 400.
 * Real `Chat` from `@ai-sdk/vue`, the stock transport and the real executor.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithToolCalls } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelRequest } from '../../server/lib/model/types'
import { useServedRoutes } from '../support/route-app'
import { postTurn } from '../support/superseded-answers'
import { locationAndTime, locationAndTimeTools } from '../support/calls-then-answer'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const requests: ModelRequest[] = []
/** Holds the model's answer after the tool results until opened (open unless a test closes it). */
let gate = Promise.resolve()

/** To a user message: `get_location` (client) and `get_time` (server); after their results (and the gate): what the location tool said. */
const model = locationAndTime(requests, () => gate)

const app = useServedRoutes({ runners: { chat: runChatJob }, model, tools: locationAndTimeTools() })

/** A chat that answers `get_location` in `onToolCall` with `answer` (nothing when undefined) and posts automatically. */
function browserChat(id: string, answer?: (chat: Chat<UIMessage>, toolCallId: string) => void, automatic = true) {
  const asked: string[] = []
  const chat: Chat<UIMessage> = new Chat<UIMessage>({
    id,
    transport: new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat`, body: { tools: ['get_location', 'get_time'] } }),
    ...(automatic ? { sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls } : {}),
    onToolCall: ({ toolCall }) => {
      asked.push(toolCall.toolCallId)
      if (toolCall.toolName === 'get_location') answer?.(chat, toolCall.toolCallId)
    },
  })
  return { chat, asked }
}

const locationPart = (chat: Chat<UIMessage>) => chat.lastMessage!.parts.find(part => part.type === 'tool-get_location')
const textOf = (message: UIMessage) => message.parts.filter(part => part.type === 'text').map(part => part.text).join('')

describe('a client-side tool\'s call', () => {
  it('waits for the browser: the output addToolOutput gives is posted, the job resumes and the model reads it', async () => {
    requests.length = 0
    const { chat, asked } = browserChat('chat-client-round-trip', (chat, toolCallId) => void chat.addToolOutput({ tool: 'get_location', toolCallId, output: 'Berlin' } as never))
    await chat.sendMessage({ text: 'Where am I?' })
    expect(chat.status).toBe('ready')
    expect(asked).toEqual(['call_loc', 'call_time'])
    // One job, one assistant message: the automatic post continued it.
    expect(chat.messages).toHaveLength(2)
    expect(locationPart(chat)).toMatchObject({ state: 'output-available', output: 'Berlin' })
    expect(chat.lastMessage!.parts.find(part => part.type === 'tool-get_time')).toMatchObject({ state: 'output-available', output: '12:00' })
    // Before: the model was told `{ "error": "… runs in the user's browser …" }`.
    expect(textOf(chat.lastMessage!)).toBe('Location tool said "Berlin"')
    expect(requests).toHaveLength(2)
    const { state } = await app.engine.getJob('user-1', chat.lastMessage!.id)
    expect(state.status).toBe('completed')
    expect(state.toolCalls.find(call => call.id === 'call_loc')).toMatchObject({ status: 'completed', result: 'Berlin' })
    expect(state.answeredInputs).toEqual([expect.objectContaining({ kind: 'tool-output', toolCallId: 'call_loc', answer: { output: 'Berlin' } })])
  })

  it('an output-error from the browser is the call\'s error result', async () => {
    const { chat } = browserChat('chat-client-error', (chat, toolCallId) => void chat.addToolOutput({ state: 'output-error', tool: 'get_location', toolCallId, errorText: 'the user said no' } as never))
    await chat.sendMessage({ text: 'Where am I?' })
    expect(textOf(chat.lastMessage!)).toBe(`Location tool said ${JSON.stringify({ error: 'Tool "get_location" failed in the user\'s browser: the user said no' })}`)
    const { state } = await app.engine.getJob('user-1', chat.lastMessage!.id)
    expect(state.toolCalls.find(call => call.id === 'call_loc')).toMatchObject({ status: 'error' })
  })

  it('a reload sees the job waiting: resumeStream() brings the call input-available again, and the output given then reaches the model', async () => {
    const first = browserChat('chat-client-reload')
    await first.chat.sendMessage({ text: 'Where am I?' })
    // Nobody answered: the response ended with the call waiting, the job waits.
    expect(locationPart(first.chat)).toMatchObject({ state: 'input-available' })
    const jobId = first.chat.lastMessage!.id
    expect((await app.engine.getJob('user-1', jobId)).state.status).toBe('waiting')

    // The page reloads: its messages are the user's only (stored elsewhere), and it resumes.
    const second = browserChat('chat-client-reload', (chat, toolCallId) => void chat.addToolOutput({ tool: 'get_location', toolCallId, output: 'Lisbon' } as never))
    second.chat.messages = [first.chat.messages[0]!]
    // The resumed stream ends with the call waiting; its automatic post (awaited) gives the output.
    await second.chat.resumeStream()
    expect(second.asked).toContain('call_loc')
    expect(textOf(second.chat.lastMessage!)).toBe('Location tool said "Lisbon"')
    expect(second.chat.status).toBe('ready')
    expect(second.chat.lastMessage!.id).toBe(jobId)
  })

  it('a post before the output is given leaves the call where the SDK\'s predicate looks: given then, the output posts and the job goes on', async () => {
    const { chat } = browserChat('chat-client-post-first', undefined, false)
    await chat.sendMessage({ text: 'Where am I?' })
    // Posted with the call still waiting (an app's "continue"): nothing is answered, the call stays in the last step.
    await chat.sendMessage()
    expect(chat.error?.message).toBeUndefined()
    expect(locationPart(chat)).toMatchObject({ state: 'input-available' })
    await chat.addToolOutput({ tool: 'get_location', toolCallId: 'call_loc', output: 'Quito' } as never)
    // Before: false — the settled answer had closed the last step with an empty one, so
    // `sendAutomaticallyWhen` never posted the output and the job waited until it expired.
    expect(lastAssistantMessageIsCompleteWithToolCalls({ messages: chat.messages })).toBe(true)
    await chat.sendMessage()
    expect(textOf(chat.lastMessage!)).toBe('Location tool said "Quito"')
  })

  it('a new user message while it waits ends the waiting job (aborted), as one waiting for an approval', async () => {
    const { chat } = browserChat('chat-client-superseded', undefined, false)
    await chat.sendMessage({ text: 'Where am I?' })
    const waiting = chat.lastMessage!.id
    await chat.sendMessage({ text: 'Never mind' })
    // Before: still \`waiting\`, holding its slot until the request expired.
    const { state } = await app.engine.getJob('user-1', waiting)
    expect(state.status).toBe('aborted')
    expect(state.pendingInputs).toEqual([])
    expect(chat.messages).toHaveLength(4)
  })

  it('the plain input route answers it too, with { output }', async () => {
    const { chat } = browserChat('chat-client-plain')
    await chat.sendMessage({ text: 'Where am I?' })
    const jobId = chat.lastMessage!.id
    const { state } = await app.engine.getJob('user-1', jobId)
    const request = state.pendingInputs.find(input => input.kind === 'tool-output')!
    expect(request).toMatchObject({ toolCallId: 'call_loc', tool: 'get_location', onTimeout: 'deny' })
    const bad = await fetch(`${app.base}/api/jobs/${jobId}/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId: request.requestId, answer: 'Rome' }) })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('{ output: <any JSON> } or { error')
    const answered = await fetch(`${app.base}/api/jobs/${jobId}/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId: request.requestId, answer: { output: { city: 'Rome' } } }) })
    expect(answered.status).toBe(200)
    // The chat follows the job to its end.
    await chat.resumeStream()
    expect((await app.engine.getJob('user-1', jobId)).state.status).toBe('completed')
    expect((await app.engine.getJob('user-1', jobId)).state.content).toBe('Location tool said {"city":"Rome"}')
  })

  it('an output for a call the job stopped waiting for gets the job\'s end: the call shows how it ended, the chat is not in error', async () => {
    const { chat } = browserChat('chat-client-late', undefined, false)
    await chat.sendMessage({ text: 'Where am I?' })
    const jobId = chat.lastMessage!.id
    // Stopped elsewhere (another tab) while it waited: the call ended `stopped`.
    await app.engine.abortJob('user-1', jobId)
    await chat.addToolOutput({ tool: 'get_location', toolCallId: 'call_loc', output: 'Berlin' } as never)
    await chat.sendMessage()
    // Before: a 400 naming the part, the chat in error (ai-sdk-client-tool-output-late.test.ts has the expiry cases).
    expect(chat.status).toBe('ready')
    expect(chat.messages).toHaveLength(2)
    expect(locationPart(chat)).toMatchObject({ state: 'output-error', errorText: expect.stringMatching(/aborted/) })
  })

  it('posted again while its job runs on with it (the first post\'s response lost): the job\'s stream from before its answer, not the settled stream', async () => {
    let openGate: () => void = () => {}
    gate = new Promise<void>(resolve => (openGate = resolve))
    const { chat } = browserChat('chat-client-again', undefined, false)
    await chat.sendMessage({ text: 'Where am I?' })
    const jobId = chat.lastMessage!.id
    const { state } = await app.engine.getJob('user-1', jobId)
    // The first answer is taken (its response lost); the job runs on, its next round held by the gate.
    await app.engine.answerInput('user-1', jobId, { requestId: state.pendingInputs.find(input => input.kind === 'tool-output')!.requestId, answer: { output: 'Berlin' } })
    await chat.addToolOutput({ tool: 'get_location', toolCallId: 'call_loc', output: 'Berlin' } as never)
    const response = await fetch(`${app.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'chat-client-again', messages: chat.messages, trigger: 'submit-message', messageId: jobId }) })
    expect(response.status).toBe(200)
    openGate()
    gate = Promise.resolve()
    const chunks = (await response.text()).split('\n').filter(line => line.startsWith('data: {')).map(line => JSON.parse(line.slice('data: '.length)) as { type: string, delta?: string, output?: unknown, finishReason?: string })
    // Before: the settled stream — start-step, start, finish-step, finish 'stop' — and nothing of the answer.
    expect(chunks.find(chunk => chunk.type === 'tool-output-available')).toMatchObject({ output: 'Berlin' })
    expect(chunks.filter(chunk => chunk.type === 'text-delta').map(chunk => chunk.delta).join('')).toBe('Location tool said "Berlin"')
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
  })

  it('outputs the job gave itself still get the settled stream', async () => {
    const { chat } = browserChat('chat-server-outputs')
    await chat.sendMessage({ text: 'Where am I?' })
    const posted = await postTurn(app.base, { id: 'chat-server-outputs', messages: chat.messages, trigger: 'submit-message', messageId: chat.lastMessage!.id })
    expect(posted.status).toBe(200)
    expect(posted.jobId).toBe(chat.lastMessage!.id)
    // A message restored from storage whose job is gone (or never was this user's): nothing to compare, settled.
    const restored = { id: 'not-a-job', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'tool-get_time', toolCallId: 'call_time', state: 'output-available', input: {}, output: '12:00' }] }
    expect((await postTurn(app.base, { id: 'chat-server-outputs', messages: [chat.messages[0], restored] })).status).toBe(200)
  })
})
