/**
 * An AI SDK app that switched by changing its transport's `api` URL only, driven through the
 * SDK's own `Chat` (the class behind `useChat`) against the built app: statuses, errors, the
 * final message against the server's `messages` route, resume after a dropped connection, a
 * second tab, regenerate and approvals denied.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai'
import type { ChatStatus, UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { watch } from 'vue'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { createClient } from '../support/http-client'
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream'
import { lastTurnOf, startMockUpstream } from '../support/mock-upstream'
import { expectEngineIdle } from '../support/ops-client'
import { chatId, droppingFetch } from '../support/ai-sdk-fetch'
import { toolResultJson } from '../../server/lib/executor/tool-result-json'

const TOKEN = 'ops-token-for-ai-sdk-chat-tests'

type Message = { role: string, content: string | null }

function upstreamTurn(request: RecordedRequest) {
  const { prompt, toolResults } = lastTurnOf(request)
  if (prompt.includes('count')) {
    // Tool inputs the client keeps in its messages and posts back with every later turn.
    const text = JSON.stringify({ text: 'word '.repeat(30_000) })
    return toolResults === 0
      ? { chunks: [], toolCalls: [{ id: 'call_count_1', name: 'fixture_word_count', arguments: text }, { id: 'call_count_2', name: 'fixture_word_count', arguments: text }] }
      : { chunks: ['Counted.'] }
  }
  if (prompt.includes('essay')) return { chunks: Array.from({ length: 30 }, (_, index) => `${index % 2 ? '😀' : 'é'} paragraph ${index} ${'z'.repeat(200)}\n`) }
  if (prompt.includes('think')) return { reasoning: ['Let me ', 'think.'], chunks: ['Thought', ' through.'] }
  if (prompt.includes('slow')) {
    return toolResults === 0
      ? { chunks: ['Working. '], toolCalls: [{ id: 'call_slow', name: 'slow_task', arguments: '{"seconds":0.3}' }] }
      : { chunks: ['Done ', 'waiting.'] }
  }
  if (prompt.includes('tools')) {
    return toolResults === 0
      ? { chunks: ['Let me check. '], toolCalls: [{ id: 'call_time', name: 'get_current_time', arguments: '{}' }, { id: 'call_throw', name: 'fixture_throw', arguments: '{}' }] }
      : { chunks: ['Both tools ', 'answered.'] }
  }
  if (prompt.includes('two files')) {
    return toolResults === 0
      ? { chunks: [], toolCalls: [{ id: 'call_a', name: 'delete_file', arguments: '{"path":"a.txt"}' }, { id: 'call_b', name: 'delete_file', arguments: '{"path":"b.txt"}' }, { id: 'call_t', name: 'get_current_time', arguments: '{}' }] }
      : { chunks: ['One of two.'] }
  }
  if (prompt.includes('delete')) {
    return toolResults === 0 ? { chunks: [], toolCalls: [{ id: 'call_delete', name: 'delete_file', arguments: '{"path":"notes.txt"}' }] } : { chunks: ['Not deleted.'] }
  }
  return { chunks: ['Hello', ' from', ' the mock', ' upstream.'] }
}

let upstream: MockUpstream
let app: AppServer

beforeAll(async () => {
  upstream = await startMockUpstream(request => upstreamTurn(request))
  // maxMessageChars lowered so that an answer can outgrow it (the default is 100 000).
  app = await startAppServer({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key', NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN, NUXT_BACKGROUND_JOBS_LIMITS_MAX_MESSAGE_CHARS: '5000' })
})

afterAll(async () => {
  await app?.stop()
  await upstream?.close()
})

/** A user of an AI SDK app, and a `Chat` on the layer's URL that records its status changes. */
async function sdkChat(options: { id?: string, cookie?: string, fetch?: typeof fetch, body?: Record<string, unknown> } = {}) {
  const client = createClient(app.url)
  if (options.cookie) client.jar.cookie = options.cookie
  else await client.init()
  const transport = new DefaultChatTransport<UIMessage>({ api: `${app.url}/api/jobs/chat`, headers: { cookie: client.cookie() }, fetch: options.fetch, body: options.body })
  const statuses: ChatStatus[] = []
  const chat = new Chat<UIMessage>({ id: options.id ?? chatId(), transport, sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses })
  const setStatus = (chat as any).setStatus.bind(chat)
  ;(chat as any).setStatus = (next: { status: ChatStatus, error?: Error }) => {
    if (statuses.at(-1) !== next.status) statuses.push(next.status)
    setStatus(next)
  }
  return { client, transport, chat, statuses }
}

/** The chat's messages as the server rebuilds them, next to the SDK's (JSON, as a page stores them). */
async function serverMessages(client: ReturnType<typeof createClient>, id: string): Promise<UIMessage[]> {
  return (await client.get(`/api/jobs/chat/${encodeURIComponent(id)}/messages`)).body.messages
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value))

/**
 * Resolves once the chat is ready with an answer that has text (an automatic request is not awaited
 * by the SDK), or, with `orError`, once its status is `error`.
 */
function answered(chat: Chat<UIMessage>, orError = false): Promise<void> {
  const done = () => (orError && chat.status === 'error') || (chat.status === 'ready' && (chat.messages.at(-1)?.parts.some(part => part.type === 'text') ?? false))
  return new Promise((resolve) => {
    const stop = watch(() => [chat.status, chat.messages], () => {
      if (!done()) return
      stop()
      resolve()
    }, { deep: true, immediate: true })
  })
}

describe('AI SDK Chat on /api/jobs/chat', () => {
  it('reasoning, text and server tools: submitted → streaming → ready; the SDK\'s messages equal the messages route', async () => {
    const { client, chat, statuses } = await sdkChat()
    await chat.sendMessage({ text: 'Please think' })
    await chat.sendMessage({ text: 'Use the tools please' })
    expect(statuses).toEqual(['submitted', 'streaming', 'ready', 'submitted', 'streaming', 'ready'])
    expect(chat.error).toBeUndefined()
    expect(await serverMessages(client, chat.id)).toEqual(json(chat.messages))
  })

  it('a dropped connection mid-tool-call: status error, then resumeStream() ends with one message equal to the server\'s', async () => {
    const { client, chat, statuses } = await sdkChat({ fetch: droppingFetch(4) })
    await chat.sendMessage({ text: 'Run the slow tool' })
    expect(chat.status).toBe('error')
    await chat.resumeStream()
    expect(chat.status).toBe('ready')
    expect(statuses).toEqual(['submitted', 'streaming', 'error', 'submitted', 'streaming', 'ready'])
    expect(chat.messages).toHaveLength(2)
    expect(await serverMessages(client, chat.id)).toEqual(json(chat.messages))
  })

  it('regenerate(): the new answer replaces the old one, in the SDK and in the messages route', async () => {
    const { client, chat } = await sdkChat()
    await chat.sendMessage({ text: 'Say hello' })
    const first = chat.messages[1]!.id
    await chat.regenerate()
    expect(chat.messages).toHaveLength(2)
    expect(chat.messages[1]!.id).not.toBe(first)
    expect(await serverMessages(client, chat.id)).toEqual(json(chat.messages))
  })

  it('an approval denied: the tool part ends output-denied with its reason, equal to the messages route', async () => {
    const { client, chat, statuses } = await sdkChat()
    await chat.sendMessage({ text: 'Please delete notes.txt' })
    const part = chat.messages[1]!.parts.find(candidate => candidate.type === 'tool-delete_file') as Record<string, any>
    expect(part.state).toBe('approval-requested')
    expect(await serverMessages(client, chat.id)).toEqual(json(chat.messages))
    const settled = answered(chat)
    await chat.addToolApprovalResponse({ id: part.approval.id, approved: false, reason: 'keep it' })
    await settled
    expect(chat.messages[1]!.parts.find(candidate => candidate.type === 'tool-delete_file')).toMatchObject({ state: 'output-denied', approval: { approved: false, reason: 'keep it' } })
    expect(statuses.at(-1)).toBe('ready')
    expect(await serverMessages(client, chat.id)).toEqual(json(chat.messages))
  })

  it('an approval denied with a reason past 2000 characters: answered, the reason kept cut as any approval reason (it was a 400 the SDK could only post again)', async () => {
    const { client, chat } = await sdkChat()
    await chat.sendMessage({ text: 'Please delete notes.txt' })
    const part = chat.messages[1]!.parts.find(candidate => candidate.type === 'tool-delete_file') as Record<string, any>
    const settled = answered(chat, true)
    await chat.addToolApprovalResponse({ id: part.approval.id, approved: false, reason: 'Keep it. '.repeat(250) })
    await settled
    expect(chat.error?.message).toBeUndefined()
    const denied = chat.messages[1]!.parts.find(candidate => candidate.type === 'tool-delete_file') as Record<string, any>
    expect(denied).toMatchObject({ state: 'output-denied', approval: { approved: false } })
    expect(denied.approval.reason.startsWith('Keep it. Keep it.')).toBe(true)
    expect(await serverMessages(client, chat.id)).toEqual(json(chat.messages))
  })

  it('a second tab resumes a waiting approval and answers it there', async () => {
    const first = await sdkChat()
    await first.chat.sendMessage({ text: 'Please delete notes.txt' })
    const second = await sdkChat({ id: first.chat.id, cookie: first.client.cookie() })
    second.chat.messages = await serverMessages(second.client, first.chat.id)
    await second.chat.resumeStream()
    expect(json(second.chat.messages)).toEqual(json(first.chat.messages))
    const part = second.chat.messages[1]!.parts.find(candidate => candidate.type === 'tool-delete_file') as Record<string, any>
    const settled = answered(second.chat)
    await second.chat.addToolApprovalResponse({ id: part.approval.id, approved: true })
    await settled
    expect(await serverMessages(second.client, first.chat.id)).toEqual(json(second.chat.messages))
  })

  it('4xx: status error with the server\'s message; clearError() makes it ready again', async () => {
    const { chat, statuses } = await sdkChat({ body: { model: 'no/such-model' } })
    await chat.sendMessage({ text: 'hi' })
    expect(chat.status).toBe('error')
    expect(statuses).toEqual(['submitted', 'error'])
    expect(chat.error?.message).toContain('model')
    chat.clearError()
    expect(chat.status).toBe('ready')
  })

  it('sendMessage with files: a 400 naming the file part (never an answer that ignores the file); the next text turn goes through', async () => {
    const { client, chat } = await sdkChat()
    await chat.sendMessage({ text: 'What is on this picture?', files: [{ type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,iVBORw0KGgo=' }] })
    expect(chat.status).toBe('error')
    expect(chat.error?.message).toContain('messages.0.parts.0: file parts (image/png) are not supported')
    expect((await client.get(`/api/jobs?threadId=${encodeURIComponent(chat.id)}`)).body.jobs).toEqual([])
    // The SDK keeps the refused message; a text message after it is answered.
    await chat.sendMessage({ text: 'Then just say hello' })
    expect(chat.status).toBe('ready')
    expect(chat.messages.at(-1)!.parts.some(part => part.type === 'text')).toBe(true)
  })

  it('sendMessage with files and no text: the 400 names the file part; the next text turn goes through (the kept message has no text for the model)', async () => {
    const { chat } = await sdkChat()
    await chat.sendMessage({ files: [{ type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,iVBORw0KGgo=' }] })
    expect(chat.error?.message).toContain('messages.0.parts.0: file parts (image/png) are not supported')
    const before = upstream.requests.length
    await chat.sendMessage({ text: 'Then just say hello' })
    expect(chat.error?.message).toBeUndefined()
    expect(chat.status).toBe('ready')
    expect((upstream.requests[before]!.body!.messages as Message[]).filter(message => message.role !== 'system')).toEqual([{ role: 'user', content: 'Then just say hello' }])
  })

  it('a tool output nested deeper than a request may be (64 levels, 500 for a tool result) does not refuse the next turn (the client posts it back)', async () => {
    let output: unknown = 'leaf'
    for (let level = 0; level < 100; level++) output = { child: output }
    // A result a tool may return (json-problem.ts), so one the stream gives the client.
    expect(() => toolResultJson('fixture_tree', output)).not.toThrow()
    const client = await createClient(app.url).init()
    const answer = await client.post('/api/jobs/chat', { id: chatId(), messages: [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Use the tree tool' }] },
      { id: 'a1', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'tool-fixture_tree', toolCallId: 'c1', state: 'output-available', input: {}, output }] },
      { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'Say hello' }] },
    ] })
    expect(answer.body?.message).toBeUndefined()
    expect(answer.status).toBe(200)
  })

  it('a chat whose tool parts outgrow limits.maxBodyBytes still takes the next turn (the client posts them back)', async () => {
    const { chat, statuses } = await sdkChat()
    await chat.sendMessage({ text: 'Please count these words' })
    expect(chat.messages[1]!.parts.filter(part => part.type === 'tool-fixture_word_count')).toHaveLength(2)
    await chat.sendMessage({ text: 'Say hello' })
    expect(chat.error?.message).toBeUndefined()
    expect(statuses.at(-1)).toBe('ready')
    // The chat route has its own limit, named in the 413.
    const huge = await createClient(app.url).post('/api/jobs/chat', { id: chatId(), messages: [{ role: 'user', parts: [{ type: 'text', text: 'x'.repeat(4_200_000) }] }] })
    expect(huge).toMatchObject({ status: 413, body: expect.stringContaining('limits.maxChatBodyBytes') })
  })

  it('an answer longer than limits.maxMessageChars: the next turn is taken (the model gets it cut), not refused for good', async () => {
    const { chat, statuses } = await sdkChat()
    await chat.sendMessage({ text: 'Write an essay' })
    expect(chat.messages[1]!.parts.filter(part => part.type === 'text').map(part => part.text).join('').length).toBeGreaterThan(5000)
    const before = upstream.requests.length
    await chat.sendMessage({ text: 'Say hello' })
    expect(chat.error?.message).toBeUndefined()
    expect(statuses.slice(-3)).toEqual(['submitted', 'streaming', 'ready'])
    const sent = (upstream.requests[before]!.body!.messages as Message[]).filter(message => message.role !== 'system')
    expect(sent.map(message => message.role)).toEqual(['user', 'assistant', 'user'])
    expect(sent[1]!.content!.length).toBe(5000)
    expect(sent[1]!.content!.endsWith('…')).toBe(true)
    // The message a turn answers is still held to the limit.
    await chat.sendMessage({ text: 'q'.repeat(5001) })
    expect(chat.error?.message).toContain('messages.4.parts (their text): must be at most 5000 characters (limits.maxMessageChars)')
  })

  it('two approvals and a plain tool in one step: one response ends at both requests; both answers resume the job once', async () => {
    const { client, chat } = await sdkChat()
    await chat.sendMessage({ text: 'Please delete two files' })
    const requested = chat.messages[1]!.parts.filter(part => part.type === 'tool-delete_file') as Array<Record<string, any>>
    expect(requested.map(part => part.state)).toEqual(['approval-requested', 'approval-requested'])
    expect(chat.messages[1]!.parts.find(part => part.type === 'tool-get_current_time')).toMatchObject({ state: 'output-available' })
    await chat.addToolApprovalResponse({ id: requested[0]!.approval.id, approved: true })
    expect(chat.status).toBe('ready') // not sent yet: one approval is still open
    const settled = answered(chat)
    await chat.addToolApprovalResponse({ id: requested[1]!.approval.id, approved: false })
    await settled
    expect((chat.messages[1]!.parts.filter(part => part.type === 'tool-delete_file') as Array<Record<string, any>>).map(part => part.state)).toEqual(['output-available', 'output-denied'])
    expect(await serverMessages(client, chat.id)).toEqual(json(chat.messages))
  })

  it('nothing is left behind', async () => {
    await expectEngineIdle(app.url, TOKEN)
  })
})
