/**
 * Stop in a React app (`nuxt-background-jobs/react`'s `useChatStop`, react/use-chat-stop.ts) with
 * `@ai-sdk/react`'s `useChat` on the stock transport and the transport's `fetch` from
 * `createChatStopFetch()`, as docs/ai-sdk.md shows it, in React's Strict Mode (effects mount,
 * unmount and mount again). The routes are a fake global `fetch` — the chat's post streams a UI
 * message stream, the abort and messages routes answer when the test says — so each step is seen:
 * the abort posted with the chat's id while `stopping` holds, the stopped answer taken from the
 * messages route; and a Stop right after Send, before the post was answered, waiting for it and
 * stopping its job by its message. And the chat a Stop reads is the render being committed, even
 * when an effect of that very commit stops it (taken after the commit, in a passive effect, it
 * would be the render before). The hook runs in a real React renderer (react-test-renderer).
 */
import { useChat } from '@ai-sdk/react'
import type { UseChatHelpers } from '@ai-sdk/react'
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { createElement, StrictMode, useLayoutEffect, useState } from 'react'
import { create } from 'react-test-renderer'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createChatStopFetch, useChatStop } from '../../react'
import type { ChatStopResult, ReactChatStop } from '../../react'
import { deferred } from '../support/deferred'
import { quietReactTestRenderer } from '../support/quiet-react-test-renderer'

/** What the fake routes were asked, in order (a post's body parsed). */
let requests: Array<{ method: string, url: string, body?: unknown }>
/** How the chat's post is answered: a UI message stream at once, or the test's status later. */
let answerPost: (signal: AbortSignal) => Promise<Response>
/** The abort route's answers, oldest first. */
let abortAnswers: Array<Promise<unknown>>
/** What the messages route gives. */
let serverMessages: UIMessage[]

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })

/** The start of an answer, `Once upon`, as the layer streams it; the stream stays open until the request is closed. */
function streamedAnswer(signal: AbortSignal): Response {
  const chunks = [{ type: 'start', messageId: 'job-1' }, { type: 'start-step' }, { type: 'text-start', id: 't1' }, { type: 'text-delta', id: 't1', delta: 'Once upon' }]
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(chunk)}\n\n`))
      signal.addEventListener('abort', () => controller.error(signal.reason), { once: true })
    },
  })
  return new Response(body, { headers: { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' } })
}

/** The routes, as the transport and the hook reach them through the global `fetch`. */
async function fakeRoutes(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const url = String(input)
  const method = init.method ?? 'GET'
  requests.push({ method, url, ...(typeof init.body === 'string' ? { body: JSON.parse(init.body) } : {}) })
  if (method === 'POST' && url === '/api/jobs/chat') return await answerPost(init.signal!)
  if (method === 'POST' && url.endsWith('/abort')) return json(await (abortAnswers.shift() ?? { jobs: [] }))
  if (url.endsWith('/messages')) return json({ messages: serverMessages })
  return new Response('Not found', { status: 404 })
}

quietReactTestRenderer()

beforeEach(() => {
  requests = []
  abortAnswers = []
  serverMessages = []
  answerPost = async signal => streamedAnswer(signal)
  vi.stubGlobal('fetch', fakeRoutes)
})

afterEach(() => {
  vi.unstubAllGlobals()
})

/** A page as docs/ai-sdk.md writes it for React, in Strict Mode; `chat()` and `stop()` are what it shows (its latest commit's). */
async function renderPage(id: string, onStopped?: (result: ChatStopResult) => void) {
  let shown: { chat: UseChatHelpers<UIMessage>, stop: ReactChatStop } | undefined
  function ChatPage() {
    const [stopFetch] = useState(() => createChatStopFetch())
    const chat = useChat<UIMessage>({ id, transport: new DefaultChatTransport({ api: '/api/jobs/chat', fetch: stopFetch.fetch }) })
    const stop = useChatStop(chat, { fetch: stopFetch, onStopped })
    useLayoutEffect(() => {
      shown = { chat, stop }
    })
    return null
  }
  const renderer = create(createElement(StrictMode, null, createElement(ChatPage)))
  await vi.waitFor(() => expect(shown).toBeDefined())
  return { chat: () => shown!.chat, stop: () => shown!.stop, unmount: () => renderer.unmount() }
}

const texts = (message: UIMessage | undefined) => message?.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('')
const aborts = () => requests.filter(request => request.url.endsWith('/abort')).map(({ url, body }) => ({ url, ...(body === undefined ? {} : { body }) }))

describe('useChatStop from nuxt-background-jobs/react, with @ai-sdk/react useChat', () => {
  it('stops a streamed answer: the abort posted with the chat\'s id while stopping holds, the answer as the messages route keeps it', async () => {
    const onStopped = vi.fn()
    const page = await renderPage('react-stop', onStopped)
    void page.chat().sendMessage({ text: 'Tell me a story' })
    await vi.waitFor(() => expect(texts(page.chat().messages[1])).toBe('Once upon'))
    expect(page.chat().status).toBe('streaming')
    const aborted = deferred<unknown>()
    abortAnswers = [aborted.promise]
    const stopped = page.stop().stop()
    await vi.waitFor(() => expect(page.stop().stopping).toBe(true))
    await vi.waitFor(() => expect(aborts()).toEqual([{ url: '/api/jobs/chat/react-stop/abort' }]))
    // The SDK's stop() closed the response; the page still shows the words it got.
    await vi.waitFor(() => expect(page.chat().status).toBe('ready'))
    expect(texts(page.chat().messages[1])).toBe('Once upon')
    const [question] = page.chat().messages
    serverMessages = [question!, { id: 'job-1', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'text', text: 'Once upon a time', state: 'done' }], metadata: { ended: 'aborted' } }]
    aborted.resolve({ jobs: [{ id: 'job-1', status: 'aborted' }] })
    await stopped
    await vi.waitFor(() => expect(page.stop().stopping).toBe(false))
    expect(requests.map(({ method, url }) => `${method} ${url}`)).toEqual(['POST /api/jobs/chat', 'POST /api/jobs/chat/react-stop/abort', 'GET /api/jobs/chat/react-stop/messages'])
    expect(page.chat().messages.map(message => [message.id, texts(message)])).toEqual([[question!.id, 'Tell me a story'], ['job-1', 'Once upon a time']])
    expect(onStopped).toHaveBeenCalledExactlyOnceWith({ jobs: [{ id: 'job-1', status: 'aborted' }], stoppedBeforeAnswer: false })
    expect([page.stop().stopError, page.stop().stoppedBeforeAnswer]).toEqual([null, null])
    page.unmount()
  })

  it('stops right after Send: waits for the post it cut short, stops its job by its message, and names the message left unanswered', async () => {
    const post = deferred<number>()
    answerPost = async () => new Response('', { status: await post.promise })
    const page = await renderPage('react-early')
    void page.chat().sendMessage({ text: 'Hello' })
    await vi.waitFor(() => expect(page.chat().status).toBe('submitted'))
    const question = page.chat().messages[0]!
    const stopped = page.stop().stop()
    // The first abort found no job: the post is still on its way, and the Stop waits for it.
    await vi.waitFor(() => expect(aborts()).toEqual([{ url: '/api/jobs/chat/react-early/abort' }]))
    expect(page.stop().stopping).toBe(true)
    serverMessages = [question]
    post.resolve(200)
    await stopped
    expect(aborts()).toEqual([{ url: '/api/jobs/chat/react-early/abort' }, { url: '/api/jobs/chat/react-early/abort', body: { messageId: question.id } }])
    await vi.waitFor(() => expect(page.stop().stoppedBeforeAnswer).toBe(question.id))
    expect([page.stop().stopping, page.stop().stopError]).toEqual([false, null])
    page.unmount()
  })
})

describe('useChatStop from nuxt-background-jobs/react: the chat it reads', () => {
  it('reads the chat of the render being committed: a Stop from the commit where the answer began closes its response', async () => {
    const question: UIMessage = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] }
    const closeResponse = vi.fn(async () => {})
    let beginAnswer: () => void = () => {}
    let shownStatus: string | undefined
    function StopsAtOnce() {
      const [status, setStatus] = useState('ready')
      beginAnswer = () => setStatus('streaming')
      const { stop } = useChatStop({ id: 'react-commit', messages: [question], setMessages: () => {}, status, stop: closeResponse })
      // An app's own effect of that commit (a shortcut, a time limit) that stops the answer.
      useLayoutEffect(() => {
        shownStatus = status
        if (status === 'streaming') void stop()
      }, [status, stop])
      return null
    }
    const renderer = create(createElement(StrictMode, null, createElement(StopsAtOnce)))
    await vi.waitFor(() => expect(shownStatus).toBe('ready'))
    beginAnswer()
    await vi.waitFor(() => expect(aborts()).toEqual([{ url: '/api/jobs/chat/react-commit/abort' }]))
    expect(closeResponse).toHaveBeenCalledOnce()
    renderer.unmount()
  })
})
