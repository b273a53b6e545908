/**
 * The layer's Stop for an AI SDK chat (app/composables/useChatStop.ts, app/lib/chat-stop-fetch.ts),
 * on a chat of the shape `useChat()` gives, a fake transport `fetch` and a fake `$fetch` for the
 * chat's abort and messages routes: `stop()` closes the response and aborts the chat's jobs, holds
 * (`stopping`) until done, keeps the server's stopped text, names a message stopped before any
 * answer, aborts again once the post it cut short was answered — and, when that post is answered
 * only after the Stop stopped waiting, aborts then (bounded; nothing left behind). Fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import type { ChatStopMessage } from '../../app/lib/kept-stopped-answers'
import { CHAT_STOP_WAIT_MS, createChatStopFetch, CUT_SHORT_POST_GIVE_UP_MS, useChatStop } from '../../app/composables/useChatStop'
import type { ChatStopOptions } from '../../app/composables/useChatStop'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'
import { deferred, flushPromises as flush } from '../support/deferred'

const USER: ChatStopMessage = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] }
const SHOWN: ChatStopMessage = { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Once upon' }] }
const KEPT: ChatStopMessage = { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Once upon a time' }], metadata: { ended: 'aborted' } }

let app: ComposableApp
/** The routes the composable asked (`abort`, `messages`), in order. */
let asked: string[]
/** The abort route's requests: the URL and the body (none: the whole chat). */
let aborts: Array<{ url: string, body?: unknown }>
/** The abort route's next answers (oldest first; then `{ jobs: [] }`). */
let abortAnswers: Array<() => Promise<unknown>>
/** What the messages route gives. */
let serverMessages: ChatStopMessage[]

/** A transport fetch whose posts wait for the test's answer, and end on their signal as a real fetch does. */
function heldPosts() {
  const posts: Array<{ signal: AbortSignal, answer: (status: number) => void }> = []
  const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    const answered = deferred<number>()
    const signal = init!.signal!
    posts.push({ signal, answer: answered.resolve })
    const aborted = new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
    return new Response('', { status: await Promise.race([answered.promise, aborted]) })
  }) as typeof globalThis.fetch
  return { posts, fetch }
}

/** A chat as `useChat()` gives it, with a response open (`streaming`) unless told. */
function chatOf(messages: ChatStopMessage[], status = 'streaming') {
  const chat = { id: ref<string | undefined>('c1'), messages: ref(messages), status: ref(status), stop: vi.fn(async () => void (chat.status.value = 'ready')) }
  return chat
}

function mountStop(chat: ReturnType<typeof chatOf>, options: ChatStopOptions = {}) {
  return app.mount(() => useChatStop(chat, options))
}

/** The SDK posting a message through the transport, then `stop()` cutting it short before its response. */
function postThenCut(transport: ReturnType<typeof createChatStopFetch>, body = JSON.stringify({ messages: [USER] })): Promise<Response> {
  const sdk = new AbortController()
  const sent = transport.fetch('/api/jobs/chat', { method: 'POST', body, signal: sdk.signal })
  sdk.abort(new DOMException('stopped', 'AbortError'))
  return sent
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  asked = []
  aborts = []
  abortAnswers = []
  serverMessages = []
  app = createComposableApp(async (url, options) => {
    if (url.endsWith('/abort')) {
      asked.push('abort')
      const { body } = options as { body?: unknown }
      aborts.push({ url, ...(body === undefined ? {} : { body }) })
      return abortAnswers.shift()?.() ?? { jobs: [] }
    }
    if (url.endsWith('/messages')) {
      asked.push('messages')
      return { messages: serverMessages }
    }
    throw new Error(`unexpected $fetch ${url}`)
  })
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('useChatStop()', () => {
  it('closes the response, aborts the chat\'s jobs and keeps the text the server kept, holding meanwhile', async () => {
    const chat = chatOf([USER, SHOWN])
    const aborted = deferred<unknown>()
    abortAnswers = [() => aborted.promise]
    serverMessages = [USER, KEPT]
    const onStopped = vi.fn()
    const { result } = mountStop(chat, { onStopped })
    const stopping = result.stop()
    await flush()
    expect(chat.stop).toHaveBeenCalledOnce()
    expect(result.stopping.value).toBe(true)
    // A second press while it is under way does nothing.
    await result.stop()
    expect(asked).toEqual(['abort'])
    aborted.resolve({ jobs: [{ id: 'job-1', status: 'aborted' }] })
    await stopping
    expect(asked).toEqual(['abort', 'messages'])
    expect(chat.messages.value).toEqual([USER, KEPT])
    expect(onStopped).toHaveBeenCalledWith({ jobs: [{ id: 'job-1', status: 'aborted' }], stoppedBeforeAnswer: false })
    expect(result.stopping.value).toBe(false)
    expect(result.stopError.value).toBeNull()
  })

  it('names the user\'s message a Stop ended before any of its answer came', async () => {
    const chat = chatOf([USER], 'submitted')
    const { result } = mountStop(chat)
    await result.stop()
    expect(result.stoppedBeforeAnswer.value).toBe('u1')
    chat.messages.value = [USER, { id: 'u2', role: 'user', parts: [] }]
    expect(result.stoppedBeforeAnswer.value).toBeNull()
  })

  it('says why a Stop failed and that the answer runs on unseen, until reset', async () => {
    const chat = chatOf([USER, SHOWN])
    const failure = new TypeError('Failed to fetch')
    abortAnswers = [() => Promise.reject(failure)]
    const { result } = mountStop(chat)
    await result.stop()
    expect(result.stopError.value).toBe(failure)
    expect(result.unfollowed.value).toBe(true)
    result.reset()
    expect([result.stopError.value, result.unfollowed.value]).toEqual([null, false])
  })

  it('waits for the post it cut short and aborts again once the server answered it, then closes it', async () => {
    const held = heldPosts()
    const transport = createChatStopFetch({ fetch: held.fetch })
    const chat = chatOf([USER], 'submitted')
    const { result } = mountStop(chat, { fetch: transport })
    // The SDK sees its abort at once; the request goes on.
    await expect(postThenCut(transport)).rejects.toThrow('stopped')
    expect(held.posts[0]!.signal.aborted).toBe(false)
    const stopping = result.stop()
    await flush()
    expect(asked).toEqual(['abort'])
    expect(result.stopping.value).toBe(true)
    held.posts[0]!.answer(200)
    await stopping
    expect(asked).toEqual(['abort', 'abort', 'messages'])
    expect(held.posts[0]!.signal.aborted).toBe(true)
    expect(result.stopError.value).toBeNull()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('does not keep a post of approval answers (its job is there: the first abort stops it)', async () => {
    const held = heldPosts()
    const transport = createChatStopFetch({ fetch: held.fetch })
    const sent = postThenCut(transport, JSON.stringify({ messages: [USER, SHOWN] }))
    await expect(sent).rejects.toThrow('stopped')
    expect(held.posts[0]!.signal.aborted).toBe(true)
    expect(transport.takeCutShortPost()).toBeNull()
  })

  it('after the wait, says the answer may not be stopped; the post answered later gets its job aborted then', async () => {
    const held = heldPosts()
    const transport = createChatStopFetch({ fetch: held.fetch })
    const chat = chatOf([USER], 'submitted')
    const reread = vi.fn()
    const { result } = mountStop(chat, { fetch: transport, reread })
    await postThenCut(transport).catch(() => {})
    const stopping = result.stop()
    await flush()
    vi.advanceTimersByTime(CHAT_STOP_WAIT_MS)
    await stopping
    expect(result.stopError.value).toBeInstanceOf(TypeError)
    expect(result.unfollowed.value).toBe(true)
    expect(held.posts[0]!.signal.aborted).toBe(false)
    held.posts[0]!.answer(200)
    await flush()
    expect(asked).toEqual(['abort', 'abort'])
    expect(held.posts[0]!.signal.aborted).toBe(true)
    expect([result.stopError.value, result.unfollowed.value]).toEqual([null, false])
    expect(reread).toHaveBeenCalledOnce()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('does not abort for a late post once the chat posted again (that post ends the jobs written past)', async () => {
    const held = heldPosts()
    const transport = createChatStopFetch({ fetch: held.fetch })
    const chat = chatOf([USER], 'submitted')
    const { result } = mountStop(chat, { fetch: transport })
    await postThenCut(transport).catch(() => {})
    const stopping = result.stop()
    await flush()
    vi.advanceTimersByTime(CHAT_STOP_WAIT_MS)
    await stopping
    // The user sends a new message meanwhile.
    void transport.fetch('/api/jobs/chat', { method: 'POST', body: JSON.stringify({ messages: [USER] }), signal: new AbortController().signal })
    held.posts[0]!.answer(200)
    await flush()
    expect(asked).toEqual(['abort'])
    expect(result.stopError.value).toBeInstanceOf(TypeError)
  })

  it('closes a post that never got a response once the bound passed, with no timer left', async () => {
    const held = heldPosts()
    const transport = createChatStopFetch({ fetch: held.fetch })
    const chat = chatOf([USER], 'submitted')
    const { result } = mountStop(chat, { fetch: transport })
    await postThenCut(transport).catch(() => {})
    const stopping = result.stop()
    await flush()
    vi.advanceTimersByTime(CHAT_STOP_WAIT_MS)
    await stopping
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(CUT_SHORT_POST_GIVE_UP_MS - CHAT_STOP_WAIT_MS)
    await flush()
    expect(held.posts[0]!.signal.aborted).toBe(true)
    expect(asked).toEqual(['abort'])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('leaves nothing behind when its component goes mid-wait: the post closed, no timer, no abort after', async () => {
    const held = heldPosts()
    const transport = createChatStopFetch({ fetch: held.fetch })
    const chat = chatOf([USER], 'submitted')
    const { result, unmount } = mountStop(chat, { fetch: transport })
    await postThenCut(transport).catch(() => {})
    const stopping = result.stop()
    await flush()
    unmount()
    await stopping
    await flush()
    expect(held.posts[0]!.signal.aborted).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
    held.posts[0]!.answer(200)
    await flush()
    expect(asked).toEqual(['abort'])
  })
})

describe('useChatStop(): the chat and the job its aborts reach', () => {
  const cutShortBody = (chatId: string) => JSON.stringify({ id: chatId, messages: [USER], trigger: 'submit-message' })

  it.each([[''], [undefined]])('a new chat whose id is %j yet: aborts the chat its post went to, never /api/jobs/chat//abort', async (given) => {
    const held = heldPosts()
    const transport = createChatStopFetch({ fetch: held.fetch })
    const chat = chatOf([USER], 'submitted')
    chat.id.value = given
    const { result } = mountStop(chat, { fetch: transport })
    await postThenCut(transport, cutShortBody('c-new')).catch(() => {})
    const stopping = result.stop()
    await flush()
    held.posts[0]!.answer(200)
    await stopping
    expect(aborts.map(request => request.url)).toEqual(['/api/jobs/chat/c-new/abort', '/api/jobs/chat/c-new/abort'])
    expect(result.stopError.value).toBeNull()
  })

  it('sends no abort for a chat with no id that posted nothing (nothing to abort)', async () => {
    const chat = chatOf([])
    chat.id.value = ''
    const onStopped = vi.fn()
    const { result } = mountStop(chat, { fetch: createChatStopFetch({ fetch: heldPosts().fetch }), onStopped })
    await result.stop()
    expect(chat.stop).toHaveBeenCalledOnce()
    expect(asked).toEqual([])
    expect(result.stopError.value).toBeNull()
    expect(onStopped).toHaveBeenCalledWith({ jobs: [], stoppedBeforeAnswer: false })
  })

  it('fails saying the chat has no id when neither the app nor a transport fetch names it', async () => {
    const chat = chatOf([USER, SHOWN])
    chat.id.value = ''
    const { result } = mountStop(chat)
    await result.stop()
    expect(asked).toEqual([])
    expect((result.stopError.value as Error).message).toMatch(/^useChatStop: the chat has no id, so its answer cannot be stopped/)
    expect(result.unfollowed.value).toBe(true)
  })

  it('stops only the cut-short post\'s job once it was answered ({ messageId }), after the chat-wide first abort', async () => {
    const held = heldPosts()
    const transport = createChatStopFetch({ fetch: held.fetch })
    const chat = chatOf([USER], 'submitted')
    const { result } = mountStop(chat, { fetch: transport })
    await postThenCut(transport, cutShortBody('c1')).catch(() => {})
    const stopping = result.stop()
    await flush()
    held.posts[0]!.answer(200)
    await stopping
    expect(aborts).toEqual([{ url: '/api/jobs/chat/c1/abort' }, { url: '/api/jobs/chat/c1/abort', body: { messageId: 'u1' } }])
  })

  it.each([
    ['the transport\'s whole chat', { id: 'c1', messages: [USER, SHOWN, { ...USER, id: 'u2' }] }, 'u2'],
    ['the newest message only', { id: 'c1', message: { ...USER, id: 'u3' } }, 'u3'],
  ])('the late abort, a minute at most after the Stop, names the post\'s message (%s): another tab\'s message runs on', async (_body, body, messageId) => {
    const held = heldPosts()
    const transport = createChatStopFetch({ fetch: held.fetch })
    const chat = chatOf([USER], 'submitted')
    const { result } = mountStop(chat, { fetch: transport, reread: () => {} })
    await postThenCut(transport, JSON.stringify(body)).catch(() => {})
    const stopping = result.stop()
    await flush()
    vi.advanceTimersByTime(CHAT_STOP_WAIT_MS)
    await stopping
    held.posts[0]!.answer(200)
    await flush()
    expect(aborts).toEqual([{ url: '/api/jobs/chat/c1/abort' }, { url: '/api/jobs/chat/c1/abort', body: { messageId } }])
    expect(result.stopError.value).toBeNull()
  })
})
