/**
 * Four things an AI SDK app meets that the plain turns do not: the automatic re-post after a
 * message whose last step ended in tool outputs, a new message while an approval waits, a 429 the
 * SDK can only show as text, and a resume after the answer ended while the client's stream was
 * cut. The SDK's own `Chat` and `DefaultChatTransport` drive the built app; one job per user at a
 * time, so a job left waiting would show as a 429.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithToolCalls } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { createClient } from '../support/http-client'
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream'
import { lastTurnOf, startMockUpstream } from '../support/mock-upstream'
import { expectEngineIdle } from '../support/ops-client'
import { chatId, droppingFetch } from '../support/ai-sdk-fetch'

const TOKEN = 'ops-token-for-ai-sdk-followups'
const RETRY_AFTER_SECONDS = 12

let release: () => void = () => {}
let held = Promise.resolve()

function upstreamTurn(request: RecordedRequest) {
  const { prompt, toolResults } = lastTurnOf(request)
  if (prompt.includes('hold')) return { chunks: ['Held ', 'answer.'], pauseAfterChunks: 1, resume: held }
  if (prompt.includes('slow')) {
    return toolResults === 0
      ? { chunks: ['Working. '], toolCalls: [{ id: 'call_slow', name: 'slow_task', arguments: '{"seconds":0.3}' }] }
      : { chunks: ['Done ', 'waiting.'] }
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
  app = await startAppServer({
    NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
    NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key',
    NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN,
    NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS_PER_USER: '1',
    NUXT_BACKGROUND_JOBS_LIMITS_RETRY_AFTER_SECONDS: String(RETRY_AFTER_SECONDS),
  })
})

afterAll(async () => {
  release()
  await app?.stop()
  await upstream?.close()
})

/** A `Chat` with the SDK docs' client-side tools predicate, counting the requests it makes. */
async function sdkChat(options: { id?: string, cookie?: string, fetch?: typeof fetch, lastMessageOnly?: boolean } = {}) {
  const client = createClient(app.url)
  if (options.cookie) client.jar.cookie = options.cookie
  else await client.init()
  const requests: string[] = []
  const inner = options.fetch ?? fetch
  const counting: typeof fetch = (input, init) => {
    requests.push(`${init?.method ?? 'GET'} ${String(input).replace(app.url, '')}`)
    return inner(input, init)
  }
  const transport = new DefaultChatTransport<UIMessage>({
    api: `${app.url}/api/jobs/chat`,
    headers: { cookie: client.cookie() },
    fetch: counting,
    // The AI SDK docs' "send only the last message" pattern, for servers that load the history.
    ...(options.lastMessageOnly ? { prepareSendMessagesRequest: ({ id, messages, trigger, messageId }) => ({ body: { id, message: messages.at(-1), trigger, messageId } }) } : {}),
  })
  const chat = new Chat<UIMessage>({ id: options.id ?? chatId(), transport, sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls })
  return { client, chat, requests }
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value))
const textOf = (message: UIMessage | undefined) => (message?.parts ?? []).filter(part => part.type === 'text').map(part => (part as { text: string }).text).join('')

describe('AI SDK follow-ups on /api/jobs/chat', () => {
  it('a message whose last step ended in tool outputs: the SDK\'s re-post gets a settled stream, once, with no error and no new job', async () => {
    const { client, chat, requests } = await sdkChat()
    // As restored from storage after its job was stopped between its tools and the next round.
    chat.messages = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'What time is it?' }] },
      { id: 'a1', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'tool-get_current_time', toolCallId: 'call_time', state: 'output-available', input: {}, output: { now: 'noon' } } as UIMessage['parts'][number]] },
    ]
    expect(lastAssistantMessageIsCompleteWithToolCalls({ messages: chat.messages })).toBe(true)
    // What the SDK sends on `sendMessage()` and, with this predicate, after every answer that ends so.
    await chat.sendMessage()
    expect(chat.error).toBeUndefined()
    expect(chat.status).toBe('ready')
    expect(requests).toEqual(['POST /api/jobs/chat']) // the predicate no longer holds: no re-post loop
    expect(chat.messages.map(message => message.id)).toEqual(['u1', 'a1'])
    expect(chat.messages[1]!.parts.at(-1)).toEqual({ type: 'step-start' })
    expect(lastAssistantMessageIsCompleteWithToolCalls({ messages: chat.messages })).toBe(false)
    expect((await client.get(`/api/jobs?threadId=${chat.id}`)).body.jobs).toEqual([])
  })

  it('a new message while an approval waits ends the waiting job (approval not given, with the reason) and starts the new one', async () => {
    const { client, chat } = await sdkChat()
    await chat.sendMessage({ text: 'Please delete notes.txt' })
    const waiting = chat.messages[1]!
    expect(waiting.parts.find(part => part.type === 'tool-delete_file')).toMatchObject({ state: 'approval-requested' })
    // A message the server refuses (a 400 naming the field) ends nothing.
    await chat.sendMessage({ text: 'Never mind, say hello' }, { body: { model: 'no/such-model' } })
    expect(chat.error?.message).toContain('model')
    expect((await client.get(`/api/jobs/${waiting.id}`)).body.job.status).toBe('waiting')
    chat.messages = chat.messages.slice(0, 2)
    // With one job per user, the waiting job would hold the only slot (a 429) until its input timeout.
    await chat.sendMessage({ text: 'Never mind, say hello' })
    expect(chat.error).toBeUndefined()
    expect(textOf(chat.messages.at(-1))).toBe('Hello from the mock upstream.')
    const old = (await client.get(`/api/jobs/${waiting.id}`)).body
    expect(old.job.status).toBe('aborted')
    expect(old.state.status).toBe('aborted')
    expect(old.state.pendingInputs).toEqual([])
    expect(old.state.answeredInputs).toEqual([expect.objectContaining({ answer: { approved: false, reason: expect.stringContaining('a new message was sent') } })])
  })

  it('regenerate() while the answer waits for approval ends the waiting job (approval not given, with the reason) and answers again', async () => {
    const { client, chat } = await sdkChat()
    await chat.sendMessage({ text: 'Please delete notes.txt' })
    const waiting = chat.messages[1]!
    expect(waiting.parts.find(part => part.type === 'tool-delete_file')).toMatchObject({ state: 'approval-requested' })
    // One job per user: the waiting job holds the slot, so it is ended before the new answer starts.
    await chat.regenerate()
    expect(chat.error).toBeUndefined()
    expect(chat.messages.map(message => message.id)).toEqual([chat.messages[0]!.id, expect.not.stringMatching(waiting.id)])
    const old = (await client.get(`/api/jobs/${waiting.id}`)).body
    expect(old.job.status).toBe('aborted')
    expect(old.state.pendingInputs).toEqual([])
    expect(old.state.answeredInputs).toEqual([expect.objectContaining({ answer: { approved: false, reason: expect.stringContaining('a new answer to this message was requested') } })])
    // The new answer waits for its own approval; a new message ends it, as any waiting answer.
    await chat.sendMessage({ text: 'Say hello instead' })
    expect(textOf(chat.messages.at(-1))).toBe('Hello from the mock upstream.')
  })

  it('a 429 says when to retry in chat.error.message (the SDK drops the Retry-After header, which stays)', async () => {
    held = new Promise(resolve => (release = resolve))
    const { client, chat } = await sdkChat()
    const first = chat.sendMessage({ text: 'hold this' })
    // The held answer takes the user's only slot before the second chat asks for one.
    await expect.poll(async () => (await client.get('/api/jobs?status=running')).body.jobs.length).toBe(1)
    const second = await sdkChat({ cookie: client.cookie() })
    await second.chat.sendMessage({ text: 'Say hello' })
    expect(second.chat.status).toBe('error')
    // The sentence itself, not a JSON body around it (text-errors.ts).
    expect(second.chat.error?.message).toMatch(new RegExp(`^[^{].*limits\\.maxConcurrentJobsPerUser.*; try again in ${RETRY_AFTER_SECONDS} s$`))
    const raw = await second.client.post('/api/jobs/chat', { id: chatId(), messages: [{ id: 'm', role: 'user', parts: [{ type: 'text', text: 'hi' }] }] })
    expect(raw.status).toBe(429)
    expect(raw.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS))
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(raw.body).toBe(second.chat.error?.message)
    // A client that asks for JSON gets the JSON error body of every route.
    const asJson = await second.client.post('/api/jobs/chat', { id: chatId(), messages: [{ id: 'm', role: 'user', parts: [{ type: 'text', text: 'hi' }] }] }, { accept: 'application/json' })
    expect([asJson.status, asJson.body]).toEqual([429, expect.objectContaining({ error: true, statusCode: 429, statusMessage: 'ConcurrencyLimitError', message: raw.body })])
    release()
    await first
    expect(textOf(chat.messages.at(-1))).toBe('Held answer.')
  })

  it('the stream was cut and the job ended meanwhile: resumeStream() has nothing to resume (204, as an AI SDK route); the messages route has the whole answer', async () => {
    const { client, chat } = await sdkChat({ fetch: droppingFetch(3) })
    await chat.sendMessage({ text: 'Run the slow tool' })
    expect(chat.status).toBe('error')
    const jobId = chat.messages[1]!.id
    expect(textOf(chat.messages[1])).not.toContain('Done waiting.')
    // Wait for the job's end on its native stream (it replays and closes once the job has ended).
    const native = await client.stream(`/api/jobs/${jobId}/stream`)
    await native.ended
    expect(native.frames.at(-1)).toMatchObject({ event: 'job-end' })
    // A page that resumes on load must not replay a finished answer: nothing runs, so 204.
    expect((await client.get(`/api/jobs/chat/${chat.id}/stream`)).status).toBe(204)
    // The documented recovery: load the chat's messages again.
    const server = (await client.get(`/api/jobs/chat/${chat.id}/messages`)).body.messages as UIMessage[]
    expect(server.map(message => message.id)).toEqual([chat.messages[0]!.id, jobId])
    expect(textOf(server[1])).toMatch(/^Working\. \s*Done waiting\.$/)
  })

  describe('a client that sends only its newest message ({ id, message })', () => {
    /** The model's messages of the upstream request for the turn whose prompt is `prompt`. */
    const modelMessagesOf = (prompt: string) => {
      const request = upstream.requests.findLast(candidate => lastTurnOf(candidate).prompt === prompt)!
      return ((request.body?.messages ?? []) as Array<{ role: string, content: string | null }>).filter(message => message.role !== 'system').map(message => `${message.role}: ${message.content}`)
    }

    it('the history comes from the chat\'s jobs; regenerate() answers the message again from there; a 400 names `message`', async () => {
      const { chat } = await sdkChat({ lastMessageOnly: true })
      await chat.sendMessage({ text: 'First question' })
      await chat.sendMessage({ text: 'Second question' })
      expect(chat.error).toBeUndefined()
      expect(textOf(chat.messages.at(-1))).toBe('Hello from the mock upstream.')
      expect(modelMessagesOf('Second question')).toEqual(['user: First question', 'assistant: Hello from the mock upstream.', 'user: Second question'])

      const replaced = chat.messages.at(-1)!.id
      await chat.regenerate()
      expect(chat.error).toBeUndefined()
      expect(chat.messages.map(message => message.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
      expect(chat.messages.at(-1)!.id).not.toBe(replaced)
      // The re-sent message is answered once, after the history before it.
      expect(modelMessagesOf('Second question')).toEqual(['user: First question', 'assistant: Hello from the mock upstream.', 'user: Second question'])

      await chat.sendMessage({ text: 'With a file', files: [{ type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,AAAA' }] })
      expect(chat.error?.message).toContain('message.parts.')
      expect(chat.error?.message).not.toContain('messages.')
    })
  })

  it('nothing is left behind', async () => {
    await expectEngineIdle(app.url, TOKEN)
  })
})
