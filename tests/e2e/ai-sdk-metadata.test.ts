/**
 * AI SDK message metadata over real HTTP: the fixture's `background-jobs:chat-message-metadata`
 * hook (tests/fixtures/basic/server/plugins/fixture-message-metadata.ts: `createdAt` on start,
 * tokens and status on finish) read through the SDK's own transport and `readUIMessageStream`,
 * on the first response, on a resume of the running job, in `useChat` (with a metadata schema)
 * across a tool approval, and in the messages route; metadata JSON cannot carry is left out with
 * one warning. And the metadata a client puts on its user message: kept with the job that answers
 * it, given back by the messages route, a 400 naming the field past 16 KiB.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses, readUIMessageStream } from 'ai'
import type { UIMessage, UIMessageChunk } from 'ai'
import { useChat } from '@ai-sdk/vue'
import { watch } from 'vue'
import { z } from 'zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { chatId } from '../support/ai-sdk-fetch'
import { createClient } from '../support/http-client'
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream'
import { lastTurnOf, startMockUpstream } from '../support/mock-upstream'
import { within } from '../support/within'

const HELD_CHUNKS = Array.from({ length: 12 }, (_, index) => `piece ${index}; `)
const USAGE = { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 }

let release: () => void = () => {}
let held = Promise.resolve()

function upstreamTurn(request: RecordedRequest) {
  const { prompt, toolResults } = lastTurnOf(request)
  if (prompt.includes('hold')) return { chunks: HELD_CHUNKS, pauseAfterChunks: 3, resume: held, delayMs: 1, usage: USAGE }
  if (prompt.includes('delete') && toolResults === 0) return { chunks: [], toolCalls: [{ id: 'call_delete', name: 'delete_file', arguments: '{"path":"notes.txt"}' }], usage: USAGE }
  return { chunks: ['Hello', ' there.'], usage: USAGE }
}

let upstream: MockUpstream
let app: AppServer

beforeAll(async () => {
  upstream = await startMockUpstream(request => upstreamTurn(request))
  app = await startAppServer({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key', FIXTURE_MESSAGE_METADATA: '1' })
})

afterAll(async () => {
  release()
  await app?.stop()
  await upstream?.close()
})

async function sdkUser() {
  const client = await createClient(app.url).init()
  const transport = new DefaultChatTransport<UIMessage>({ api: `${app.url}/api/jobs/chat`, headers: { cookie: client.cookie() } })
  return { client, transport }
}

const userMessage = (text: string): UIMessage => ({ id: `u-${Math.random().toString(36).slice(2)}`, role: 'user', parts: [{ type: 'text', text }] })

/** Reads chunks until `until` holds for the last one read (or the stream ends). */
async function readChunks(reader: ReadableStreamDefaultReader<UIMessageChunk>, until: (chunk: UIMessageChunk) => boolean = () => false): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = []
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return chunks
    chunks.push(value)
    if (until(value)) return chunks
  }
}

/** The message the SDK builds from `chunks`. */
async function sdkMessage(chunks: UIMessageChunk[]): Promise<UIMessage> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      chunks.forEach(chunk => controller.enqueue(chunk))
      controller.close()
    },
  })
  let last: UIMessage | undefined
  for await (const message of readUIMessageStream<UIMessage>({ stream })) last = message
  return last!
}

/** The app's log lines holding every one of `parts`, once there is one: a log travels its own pipe, apart from the response. */
async function logLines(...parts: string[]): Promise<string[]> {
  const lines = () => app.output().split('\n').filter(line => parts.every(part => line.includes(part)))
  const pipes = [app.process.stdout, app.process.stderr]
  let check = () => {}
  const logged = new Promise<void>((resolve) => {
    check = () => lines().length > 0 && resolve()
    pipes.forEach(pipe => pipe?.on('data', check))
    check()
  })
  try {
    await within(logged, 10_000, () => `no log line with ${parts.join(' and ')}`)
  }
  finally {
    pipes.forEach(pipe => pipe?.off('data', check))
  }
  return lines()
}

const metadataOf = (chunks: UIMessageChunk[], type: 'start' | 'finish') => (chunks.find(chunk => chunk.type === type) as { messageMetadata?: unknown } | undefined)?.messageMetadata

describe('AI SDK message metadata from the app hook', () => {
  it('start and finish carry it on the first response and on a resume; the client merges it; the messages route gives the same', async () => {
    held = new Promise(resolve => (release = resolve))
    const { client, transport } = await sdkUser()
    const id = chatId()
    const leave = new AbortController()
    const reader = (await transport.sendMessages({ chatId: id, messages: [userMessage('Please hold on')], trigger: 'submit-message', messageId: undefined, abortSignal: leave.signal })).getReader()
    const first = await readChunks(reader, chunk => chunk.type === 'text-delta')
    leave.abort()
    await reader.cancel().catch(() => {})
    const jobId = (first[0] as { messageId: string }).messageId
    const { job } = (await client.get(`/api/jobs/${jobId}`)).body
    expect(first[0]).toEqual({ type: 'start', messageId: jobId, messageMetadata: { createdAt: job.createdAt } })

    // The job runs on; the resume replays it from the start with the same start metadata.
    const resumed = await transport.reconnectToStream({ chatId: id })
    release()
    const chunks = await readChunks(resumed!.getReader())
    expect(metadataOf(chunks, 'start')).toEqual({ createdAt: job.createdAt })
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', messageMetadata: { totalTokens: 42, status: 'completed' } })
    const message = await sdkMessage(chunks)
    expect(message.metadata).toEqual({ createdAt: job.createdAt, totalTokens: 42, status: 'completed' })

    const { messages } = (await client.get(`/api/jobs/chat/${id}/messages`)).body as { messages: UIMessage[] }
    expect(messages.map(item => item.metadata)).toEqual([undefined, message.metadata])
    expect(messages[1]!.id).toBe(jobId)
  })

  it('useChat (with a metadata schema) across a tool approval: the metadata of the waiting finish, then of the continuation; the messages route gives what the client holds', async () => {
    const { client, transport } = await sdkUser()
    const messageMetadataSchema = z.object({ createdAt: z.number(), totalTokens: z.number(), status: z.string() }).partial({ totalTokens: true, status: true })
    const chat = useChat({ id: chatId(), transport, messageMetadataSchema, sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses })
    const errors: unknown[] = []
    watch(() => chat.error.value, error => error && errors.push(error))
    await chat.sendMessage({ text: 'Please delete my notes' })
    const waiting = chat.messages.value.at(-1)!
    const { job } = (await client.get(`/api/jobs/${waiting.id}`)).body
    expect(job.status).toBe('waiting')
    expect(waiting.metadata).toEqual({ createdAt: job.createdAt, totalTokens: 42, status: 'waiting' })
    const history = async () => ((await client.get(`/api/jobs/chat/${chat.id.value}/messages`)).body as { messages: UIMessage[] }).messages
    expect((await history())[1]!.metadata).toEqual(waiting.metadata)

    const part = waiting.parts.find(candidate => candidate.type === 'tool-delete_file') as { approval: { id: string } }
    const settled = new Promise<void>(resolve => watch(() => [chat.status.value, chat.messages.value], () => {
      if (chat.status.value === 'ready' && (chat.messages.value.at(-1)!.metadata as { status?: string }).status === 'completed') resolve()
    }))
    await chat.addToolApprovalResponse({ id: part.approval.id, approved: true })
    await settled
    // Two model rounds of 42 tokens each, in the same message.
    expect(chat.messages.value.at(-1)!.metadata).toEqual({ createdAt: job.createdAt, totalTokens: 84, status: 'completed' })
    expect((await history())[1]!.metadata).toEqual(chat.messages.value.at(-1)!.metadata)
    expect(errors).toEqual([])
  })

  it('metadata JSON cannot carry is left out of the finish chunk with one warning naming the hook and the job', async () => {
    const { transport } = await sdkUser()
    const chunks = await readChunks((await transport.sendMessages({ chatId: chatId(), messages: [userMessage('Send bad metadata')], trigger: 'submit-message', messageId: undefined, abortSignal: undefined })).getReader())
    const jobId = (chunks[0] as { messageId: string }).messageId
    expect(metadataOf(chunks, 'start')).toEqual({ createdAt: expect.any(Number) })
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' })
    const warnings = await logLines('background-jobs:chat-message-metadata', jobId)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('is not JSON-serialisable (a bigint)')
  })
})

describe('AI SDK user message metadata', () => {
  it('useChat: sendMessage({ text, metadata }) is kept and the messages route gives it back after a reload; one past 16 KiB is a 400 naming the field, and the next turn goes through', async () => {
    const { client, transport } = await sdkUser()
    const chat = useChat({ id: chatId(), transport })
    const history = async () => ((await client.get(`/api/jobs/chat/${chat.id.value}/messages`)).body as { messages: UIMessage[] }).messages
    await chat.sendMessage({ text: 'Hello with metadata', metadata: { createdAt: 1764547200000, client: { name: 'e2e', tags: ['a'] } } })
    expect(chat.status.value).toBe('ready')
    const [sent] = chat.messages.value
    expect(sent!.metadata).toEqual({ createdAt: 1764547200000, client: { name: 'e2e', tags: ['a'] } })
    expect((await history())[0]).toEqual(sent)

    await chat.sendMessage({ text: 'Too much', metadata: { text: 'x'.repeat(16 * 1024) } })
    expect(chat.status.value).toBe('error')
    // The SDK's error message is the response's body: the route's sentence (text-errors.ts).
    expect(chat.error.value?.message).toMatch(/^messages\.2\.metadata: is 16395 bytes of JSON, over the 16384 allowed/)
    chat.clearError()
    // The SDK keeps the refused message in its list: the next turn goes through without it being checked again.
    await chat.sendMessage({ text: 'Then this', metadata: { createdAt: 2 } })
    expect(chat.status.value).toBe('ready')
    const users = (await history()).filter(message => message.role === 'user')
    expect(users.map(message => message.metadata)).toEqual([sent!.metadata, { createdAt: 2 }])
    expect(users[1]).toEqual(chat.messages.value.at(-2))
  })

  it('a client that posts its newest message only ({ id, message }): its metadata is kept; past 16 KiB the 400 names `message.metadata`', async () => {
    const { client } = await sdkUser()
    const id = chatId()
    const tooLarge = await client.post('/api/jobs/chat', { id, message: { ...userMessage('Too much'), metadata: { text: 'x'.repeat(16 * 1024) } } })
    expect(tooLarge).toMatchObject({ status: 400, body: expect.stringMatching(/^message\.metadata: is 16395 bytes of JSON, over the 16384 allowed/) })
    const message = { ...userMessage('Hello'), metadata: { createdAt: 3 } }
    expect(await client.post('/api/jobs/chat', { id, message })).toMatchObject({ status: 200 })
    const { messages } = (await client.get(`/api/jobs/chat/${id}/messages`)).body as { messages: UIMessage[] }
    expect(messages[0]).toEqual(message)
  })
})
