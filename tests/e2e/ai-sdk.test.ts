/**
 * The AI SDK interop over real HTTP: the SDK's own `DefaultChatTransport` (which validates every
 * chunk against the SDK's schema) and `readUIMessageStream` talk to the built app, as an app that
 * only changed its `api` URL would: the wire format, leaving and resuming a running answer,
 * stop() then regenerate or a new message, and resume refused to other users. Tools, history,
 * approvals, callbacks and errors: ai-sdk-turns.test.ts; the app and upstream:
 * tests/support/ai-sdk-app.ts.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage, UIMessageChunk } from 'ai'
import { useChat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { lastTurnOf } from '../support/mock-upstream'
import { expectEngineIdle } from '../support/ops-client'
import { chatId } from '../support/ai-sdk-fetch'
import type { Message } from '../support/ai-sdk-app'
import { app, finalMessage, HELD_TEXT, hold, release, sdkUser, send, textOf, TOKEN, upstream, useAiSdkApp, userMessage } from '../support/ai-sdk-app'

useAiSdkApp()

/** Sends `question` and reads until its first text, then closes the response as `stop()` does. */
async function sendThenStop(transport: DefaultChatTransport<UIMessage>, chatId: string, question: UIMessage): Promise<{ oldId: string, seen: UIMessageChunk[] }> {
  const leave = new AbortController()
  const reader = (await send(transport, chatId, [question], leave.signal)).getReader()
  const seen: UIMessageChunk[] = []
  while (!seen.some(chunk => chunk.type === 'text-delta')) seen.push((await reader.read()).value!)
  leave.abort()
  await reader.cancel().catch(() => {})
  return { oldId: (seen[0] as { messageId: string }).messageId, seen }
}

/** A new user's held answer, left with `stop()` after its first text: it runs on. */
async function stoppedAnswer() {
  hold()
  const { client, transport } = await sdkUser()
  const id = chatId()
  const question = userMessage('Please hold on')
  const { oldId, seen } = await sendThenStop(transport, id, question)
  expect((await client.get(`/api/jobs/${oldId}`)).body.job.status).toBe('running')
  return { client, transport, id, question, oldId, seen }
}

describe('AI SDK: DefaultChatTransport on /api/jobs/chat', () => {
  it('answers with a UI message stream: protocol header, start with the job id, text, finish, [DONE]', async () => {
    const { client } = await sdkUser()
    const response = await fetch(`${app.url}/api/jobs/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cookie': client.cookie() },
      body: JSON.stringify({ id: chatId(), messages: [userMessage('Say hello')], trigger: 'submit-message' }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1')
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const lines = (await response.text()).split('\n\n').filter(Boolean)
    expect(lines.at(-1)).toBe('data: [DONE]')
    const chunks = lines.slice(0, -1).map(line => JSON.parse(line.slice('data: '.length)))
    expect(chunks[0]).toMatchObject({ type: 'start', messageId: expect.any(String) })
    const job = await client.get(`/api/jobs/${chunks[0].messageId}`)
    expect(job.body.job).toMatchObject({ type: 'chat', status: 'completed' })
    expect(chunks.map(chunk => chunk.type)).toEqual(['start', 'start-step', 'text-start', ...chunks.filter(chunk => chunk.type === 'text-delta').map(() => 'text-delta'), 'text-end', 'finish-step', 'finish'])
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' })
  })

  it('send, leave after a few chunks, reconnectToStream replays the running job: the exact full text, once', async () => {
    hold()
    const { transport } = await sdkUser()
    // The transport puts the id in the reconnect path (URI-encoded); it round-trips (only ? and # are refused).
    const id = `${chatId()}/ä b%25:@`
    const leave = new AbortController()
    const reader = (await send(transport, id, [userMessage('Please hold on')], leave.signal)).getReader()
    const seen: UIMessageChunk[] = []
    while (!seen.some(chunk => chunk.type === 'text-delta')) seen.push((await reader.read()).value!)
    leave.abort()
    await reader.cancel().catch(() => {})

    // The job kept running without the request that started it.
    const resumed = await transport.reconnectToStream({ chatId: id })
    expect(resumed).not.toBeNull()
    release()
    const message = await finalMessage(resumed!)
    expect(message.id).toBe((seen[0] as { messageId: string }).messageId)
    expect(message.parts.filter(part => part.type === 'text')).toHaveLength(1)
    expect(textOf(message)).toBe(HELD_TEXT)
  })

  it('the one-URL switch with @ai-sdk/vue\'s useChat, reloaded mid-answer: resumeStream() brings the running answer back, once; the question needs the messages route', async () => {
    hold()
    const { client } = await sdkUser()
    const id = chatId()
    // Only `api` changed (the cookie header stands in for the browser's cookie jar).
    const transport = () => new DefaultChatTransport<UIMessage>({ api: `${app.url}/api/jobs/chat`, headers: { cookie: client.cookie() } })
    const before = useChat({ id, transport: transport() })
    const sent = before.sendMessage({ text: 'Please hold on' })
    // The answer's first text (the user's message, last until the answer starts, has a text part too).
    const answer = () => before.messages.value.at(-1)?.role === 'assistant' ? before.messages.value.at(-1) : undefined
    await vi.waitFor(() => expect(answer()?.parts.some(part => part.type === 'text')).toBe(true))
    const jobId = answer()!.id
    // The tab goes away (a reload closes the response, as stop() does): the job runs on.
    await before.stop()
    await sent
    expect((await client.get(`/api/jobs/${jobId}`)).body.job.status).toBe('running')

    // The reloaded page: a new useChat with the same id and nothing else (Vue's has no `resume` option).
    const after = useChat({ id, transport: transport() })
    const resumed = after.resumeStream()
    await vi.waitFor(() => expect(after.status.value).toBe('streaming'))
    release()
    await resumed
    expect(after.error.value).toBeUndefined()
    // The answer, whole and once; the question is not there (the SDK keeps messages in memory only).
    expect(after.messages.value.map(message => [message.id, message.role])).toEqual([[jobId, 'assistant']])
    expect(textOf(after.messages.value[0]!)).toBe(HELD_TEXT)

    // docs/ai-sdk.md "After a reload": the messages route first, then resumeStream() (204 once it ended).
    const { messages } = (await client.get(`/api/jobs/chat/${encodeURIComponent(id)}/messages`)).body as { messages: UIMessage[] }
    const loaded = useChat({ id, messages, transport: transport() })
    await loaded.resumeStream()
    expect(loaded.status.value).toBe('ready')
    expect(loaded.messages.value.map(message => [message.role, textOf(message)])).toEqual([['user', 'Please hold on'], ['assistant', HELD_TEXT]])
  })

  it('regenerate while the answer still runs (stop() only closed it): the old job is aborted, the new one answers; a retried post keeps its job', async () => {
    const { client, transport, id, question, oldId } = await stoppedAnswer()
    // What the SDK posts on regenerate(): the messages without the dropped answer.
    const regenerated = await transport.sendMessages({ chatId: id, messages: [question], trigger: 'regenerate-message', messageId: undefined, abortSignal: undefined })
    expect((await client.get(`/api/jobs/${oldId}`)).body.job.status).toBe('aborted')
    release()
    const message = await finalMessage(regenerated)
    expect(message.id).not.toBe(oldId)
    expect(textOf(message)).toBe(HELD_TEXT)

    // The same post retried with its Idempotency-Key gets its job back, which keeps running.
    hold()
    const retried = userMessage('hold, then retry')
    const post = () => fetch(`${app.url}/api/jobs/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cookie': client.cookie(), 'idempotency-key': `key-${id}` },
      body: JSON.stringify({ id, messages: [question, message, retried], trigger: 'submit-message' }),
    })
    const startOf = async (response: Response) => {
      const first = (await response.body!.getReader().read()).value!
      return JSON.parse(new TextDecoder().decode(first).split('\n')[0]!.slice('data: '.length)).messageId as string
    }
    const jobId = await startOf(await post())
    expect(await startOf(await post())).toBe(jobId)
    expect((await client.get(`/api/jobs/${jobId}`)).body.job.status).toMatch(/^(queued|running)$/)
    expect((await client.post(`/api/jobs/chat/${id}/abort`)).body.jobs).toEqual([expect.objectContaining({ id: jobId, status: 'aborted' })])
    release()
  })

  it('a new message after stop() (which only closed the request): the stopped answer is aborted with its partial text kept, the new one answers', async () => {
    const { client, transport, id, question, oldId, seen } = await stoppedAnswer()
    // What the SDK posts next: the stopped answer as far as the client got, then the new message.
    const partial: UIMessage = { id: oldId, role: 'assistant', parts: [{ type: 'text', text: seen.filter(chunk => chunk.type === 'text-delta').map(chunk => (chunk as { delta: string }).delta).join('') }] }
    const next = await send(transport, id, [question, partial, userMessage('Say hello instead')])
    const old = (await client.get(`/api/jobs/${oldId}`)).body
    expect(old.job.status).toBe('aborted')
    expect(old.state.content.length).toBeGreaterThan(0)
    expect(HELD_TEXT.startsWith(old.state.content)).toBe(true)
    expect(textOf(await finalMessage(next))).toBe('Hello from the mock upstream.')
    release()
  })

  it('a client that sends only its newest message ({ id, message }): an answer running in another tab is neither in the history nor ended; an approval the client wrote past is ended', async () => {
    hold()
    const { client } = await sdkUser()
    const transport = new DefaultChatTransport<UIMessage>({
      api: `${app.url}/api/jobs/chat`,
      headers: { cookie: client.cookie() },
      prepareSendMessagesRequest: ({ id, messages }) => ({ body: { id, message: messages.at(-1) } }),
    })
    const id = chatId()
    const { oldId: heldId } = await sendThenStop(transport, id, userMessage('Please hold on'))
    const waiting = await finalMessage(await send(transport, id, [userMessage('Please delete notes.txt')]))
    expect(waiting.parts.find(part => part.type === 'tool-delete_file')).toMatchObject({ state: 'approval-requested' })
    expect(textOf(await finalMessage(await send(transport, id, [userMessage('Never mind')])))).toBe('Hello from the mock upstream.')
    const request = upstream.requests.findLast(candidate => lastTurnOf(candidate).prompt === 'Never mind')!
    const modelMessages = (request.body?.messages as Message[]).filter(message => message.role !== 'system').map(message => `${message.role}: ${message.content}`)
    expect(modelMessages).toEqual(['user: Please hold on', 'user: Please delete notes.txt', 'user: Never mind'])
    expect((await client.get(`/api/jobs/${waiting.id}`)).body.job.status).toBe('aborted')
    expect((await client.get(`/api/jobs/${heldId}`)).body.job.status).toBe('running')
    release()
  })

  it('a finished chat, an unknown chat and another user\'s chat all resume with 204 (null), never the stream', async () => {
    hold()
    const owner = await sdkUser()
    const stranger = await sdkUser()
    const id = chatId()
    const reader = (await send(owner.transport, id, [userMessage('hold this')])).getReader()
    await reader.read()
    expect(await stranger.transport.reconnectToStream({ chatId: id })).toBeNull()
    expect((await stranger.client.get(`/api/jobs/chat/${id}/stream`)).status).toBe(204)
    // Nor can the stranger stop it.
    expect((await stranger.client.post(`/api/jobs/chat/${id}/abort`)).body).toEqual({ jobs: [] })
    release()
    while (!(await reader.read()).done) { /* the owner's answer runs to its end */ }
    expect(await owner.transport.reconnectToStream({ chatId: id })).toBeNull()
    expect(await owner.transport.reconnectToStream({ chatId: chatId() })).toBeNull()
  })

  it('stop: closing the response leaves the job running; POST /api/jobs/chat/:id/abort ends it with an abort chunk, partial text kept', async () => {
    hold()
    const { client, transport } = await sdkUser()
    const id = chatId()
    const reader = (await send(transport, id, [userMessage('hold and stop')])).getReader()
    const chunks: UIMessageChunk[] = []
    while (!chunks.some(chunk => chunk.type === 'text-delta')) chunks.push((await reader.read()).value!)
    const stopped = await client.post(`/api/jobs/chat/${id}/abort`)
    expect(stopped.body.jobs).toHaveLength(1)
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value)
    expect(chunks.at(-1)).toMatchObject({ type: 'abort' })
    const job = (await client.get(`/api/jobs/${stopped.body.jobs[0].id}`)).body
    expect(job.job.status).toBe('aborted')
    expect(job.state.content).toBe(chunks.map(chunk => (chunk.type === 'text-delta' ? chunk.delta : '')).join(''))
    release()
  })

  it('nothing is left behind: every run, viewer, timer and pending input is gone', async () => {
    await expectEngineIdle(app.url, TOKEN)
  })
})
