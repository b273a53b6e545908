/**
 * The app and mock upstream the AI SDK transport e2e tests share (tests/e2e/ai-sdk.test.ts,
 * ai-sdk-turns.test.ts), and the SDK side of a user: the stock `DefaultChatTransport` pointed at
 * the jobs route, and the message the SDK builds from a stream. The upstream can hold an answer
 * mid-way (`hold()` … `release()`), so "leave, then resume while it still runs" is deterministic.
 * A test file calls `useAiSdkApp()` once, then reads `app` and `upstream` inside its tests.
 */
import { DefaultChatTransport, readUIMessageStream } from 'ai'
import type { UIMessage, UIMessageChunk } from 'ai'
import { afterAll, beforeAll } from 'vitest'
import type { AppServer } from './app-server'
import { startAppServer } from './app-server'
import { createClient } from './http-client'
import type { MockUpstream, RecordedRequest } from './mock-upstream'
import { lastTurnOf, startMockUpstream } from './mock-upstream'

/** The metrics (ops) token of the app. */
export const TOKEN = 'ops-token-for-ai-sdk-tests'
const HELD_CHUNKS = Array.from({ length: 24 }, (_, index) => `${index % 5 === 0 ? '😀' : ''}piece ${index}; `)
/** The whole text of a held answer (a prompt with "hold" in it). */
export const HELD_TEXT = HELD_CHUNKS.join('')

/** A chat message as the upstream receives it. */
export type Message = { role: string, content: string | null }

/** Releases held answers (one gate per test that holds one). */
export let release: () => void = () => {}
let held = Promise.resolve()

/** Holds the next answers whose prompt says "hold" after their fourth chunk, until `release()`. */
export function hold() {
  held = new Promise(resolve => (release = resolve))
}

function upstreamTurn(request: RecordedRequest) {
  const { prompt, toolResults } = lastTurnOf(request)
  if (prompt.includes('hold')) return { chunks: HELD_CHUNKS, pauseAfterChunks: 4, resume: held, delayMs: 1 }
  if (prompt.includes('tools')) {
    return toolResults === 0
      ? { chunks: ['Let me check. '], toolCalls: [{ id: 'call_time', name: 'get_current_time', arguments: '{}' }, { id: 'call_throw', name: 'fixture_throw', arguments: '{}' }] }
      : { chunks: ['Both tools ', 'answered.'] }
  }
  if (prompt.includes('delete')) {
    return toolResults === 0 ? { chunks: [], toolCalls: [{ id: 'call_delete', name: 'delete_file', arguments: '{"path":"notes.txt"}' }] } : { chunks: ['Deleted.'] }
  }
  if (prompt.includes('fail')) return { chunks: ['Partial ', 'answer', ' never ends'], errorChunkAfter: 2, errorMessage: 'upstream broke' }
  return { chunks: ['Hello', ' from', ' the mock', ' upstream.'] }
}

/** The mock upstream of the running test file (set once `useAiSdkApp`'s beforeAll ran). */
export let upstream: MockUpstream
/** The app of the running test file (set once `useAiSdkApp`'s beforeAll ran). */
export let app: AppServer

/** Starts the upstream and the app before the file's tests; releases held answers and stops both after. */
export function useAiSdkApp(): void {
  beforeAll(async () => {
    upstream = await startMockUpstream(request => upstreamTurn(request))
    app = await startAppServer({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key', NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN })
  })

  afterAll(async () => {
    release()
    await app?.stop()
    await upstream?.close()
  })
}

/** A user of an AI SDK app: its own anonymous id, the stock transport pointed at the jobs route. */
export async function sdkUser(headers: Record<string, string> = {}) {
  const client = await createClient(app.url).init()
  const transport = new DefaultChatTransport<UIMessage>({ api: `${app.url}/api/jobs/chat`, headers: { cookie: client.cookie(), ...headers } })
  return { client, transport }
}

/** A user message with `text` (a fresh id unless given). */
export function userMessage(text: string, id = `u-${Math.random().toString(36).slice(2)}`): UIMessage {
  return { id, role: 'user', parts: [{ type: 'text', text }] }
}

/** Sends `messages` as a submit through the transport; the UI message stream it answers. */
export function send(transport: DefaultChatTransport<UIMessage>, chatId: string, messages: UIMessage[], abortSignal?: AbortSignal) {
  return transport.sendMessages({ chatId, messages, trigger: 'submit-message', messageId: undefined, abortSignal })
}

/** The final message the SDK builds from a stream (errors reported by the stream are collected). */
export async function finalMessage(stream: ReadableStream<UIMessageChunk>, errors: unknown[] = [], message?: UIMessage): Promise<UIMessage> {
  let last: UIMessage | undefined
  for await (const snapshot of readUIMessageStream<UIMessage>({ stream, message, onError: error => errors.push(error) })) last = snapshot
  return last!
}

/** The text parts of a message, joined. */
export function textOf(message: UIMessage): string {
  return message.parts.map(part => (part.type === 'text' ? part.text : '')).join('')
}
