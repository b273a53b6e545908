/**
 * The Stop's framework-free core (app/lib/chat-stop.ts), driven as a binding drives it: plain
 * functions for the chat, `subscribe` + `getSnapshot` for its state (React's
 * `useSyncExternalStore` shape), `connect` for the component's life. The Stop's steps themselves
 * are the Vue binding's cases (client-use-chat-stop.test.ts); these are what a binding relies on.
 * Fake timers, fake routes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ChatStopMessage } from '../../app/lib/kept-stopped-answers'
import type { ChatRouteRequest, ChatStopSource, ChatStopState } from '../../app/lib/chat-stop'
import { createChatStop, stoppedBeforeAnswerOf } from '../../app/lib/chat-stop'
import { createChatStopFetch } from '../../app/lib/chat-stop-fetch'
import { deferred, flushPromises as flush } from '../support/deferred'

const USER: ChatStopMessage = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] }
const SHOWN: ChatStopMessage = { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Once upon' }] }
const KEPT: ChatStopMessage = { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Once upon a time' }], metadata: { ended: 'aborted' } }

/** The routes' requests (URL and body), and what the messages route gives. */
let requests: Array<{ url: string, body?: unknown }>
let serverMessages: ChatStopMessage[]
const request: ChatRouteRequest = async (url, init) => {
  requests.push({ url, ...(init?.body === undefined ? {} : { body: init.body }) })
  if (url.endsWith('/abort')) return { jobs: [{ id: 'job-1', status: 'aborted' }] }
  return { messages: serverMessages }
}

/** A chat held in plain variables, as a binding's functions read it; `shown` is what `messages()` gives. */
function plainChat(messages: ChatStopMessage[], status = 'streaming') {
  const chat = {
    id: 'c1' as string | undefined,
    shown: messages,
    written: [] as ChatStopMessage[][],
    status,
  }
  const source: ChatStopSource<ChatStopMessage> = {
    id: () => chat.id,
    messages: () => chat.shown,
    updateMessages: (update) => {
      chat.shown = update(chat.shown)
      chat.written.push(chat.shown)
    },
    status: () => chat.status,
    stop: async () => void (chat.status = 'ready'),
  }
  return { chat, source }
}

/** The transport's `fetch`, whose posts wait for `answer(status)`. */
function heldTransport() {
  const answered = deferred<number>()
  const transport = createChatStopFetch({ fetch: async () => new Response('', { status: await answered.promise }) })
  return { transport, answer: answered.resolve }
}

/** The SDK posting a message through the transport, then `stop()` cutting it short before its response. */
function postThenCut(transport: ReturnType<typeof createChatStopFetch>): void {
  const sdk = new AbortController()
  const sent = transport.fetch('/api/jobs/chat', { method: 'POST', body: JSON.stringify({ id: 'c1', messages: [USER] }), signal: sdk.signal })
  sdk.abort(new DOMException('stopped', 'AbortError'))
  void sent.catch(() => {})
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  requests = []
  serverMessages = []
})

afterEach(() => {
  vi.useRealTimers()
})

describe('createChatStop(): state for any binding', () => {
  it('gives its state through subscribe and getSnapshot: one new object per change, the same one between', async () => {
    const { chat, source } = plainChat([USER, SHOWN])
    serverMessages = [USER, KEPT]
    const onStopped = vi.fn()
    const core = createChatStop(source, { onStopped }, { request })
    const seen: ChatStopState[] = []
    const unsubscribe = core.subscribe(() => seen.push(core.getSnapshot()))
    const before = core.getSnapshot()
    expect(core.getSnapshot()).toBe(before)
    const stopped = core.stop()
    expect(core.getSnapshot().stopping).toBe(true)
    await stopped
    expect(seen.map(state => state.stopping)).toEqual([true, false])
    expect(core.getSnapshot()).toBe(seen.at(-1))
    expect(core.getSnapshot()).toEqual(before)
    expect(requests).toEqual([{ url: '/api/jobs/chat/c1/abort' }, { url: '/api/jobs/chat/c1/messages' }])
    expect(chat.shown).toEqual([USER, KEPT])
    expect(onStopped).toHaveBeenCalledWith({ jobs: [{ id: 'job-1', status: 'aborted' }], stoppedBeforeAnswer: false })
    unsubscribe()
    core.reset()
    await core.stop()
    expect(seen).toHaveLength(2)
  })

  it('asks the routes under the api it is given, the chat id encoded', async () => {
    const { chat, source } = plainChat([USER, SHOWN])
    chat.id = 'a/b c'
    await createChatStop(source, {}, { request, api: '/chat/api/jobs/chat' }).stop()
    expect(requests.map(sent => sent.url)).toEqual(['/chat/api/jobs/chat/a%2Fb%20c/abort', '/chat/api/jobs/chat/a%2Fb%20c/messages'])
  })

  it('judges "stopped before any answer" on the messages it wrote, not on a read that lags behind them (a render to come)', async () => {
    const { chat, source } = plainChat([USER], 'submitted')
    serverMessages = [USER, KEPT]
    // The binding's read still gives the render before the write: the user's message last.
    source.messages = () => [USER]
    const onStopped = vi.fn()
    const core = createChatStop(source, { onStopped }, { request })
    await core.stop()
    expect(chat.written).toEqual([[USER, KEPT]])
    expect(onStopped).toHaveBeenCalledWith({ jobs: [{ id: 'job-1', status: 'aborted' }], stoppedBeforeAnswer: false })
    expect(core.getSnapshot().stoppedBefore).toBeNull()
  })

  it('names the message a Stop ended before any answer while it is last with no response open', async () => {
    const { chat, source } = plainChat([USER], 'submitted')
    const core = createChatStop(source, {}, { request })
    await core.stop()
    const { stoppedBefore } = core.getSnapshot()
    expect(stoppedBefore).toBe('u1')
    expect(stoppedBeforeAnswerOf(stoppedBefore, chat.shown, 'ready')).toBe('u1')
    expect(stoppedBeforeAnswerOf(stoppedBefore, chat.shown, 'submitted')).toBeNull()
    expect(stoppedBeforeAnswerOf(stoppedBefore, [...chat.shown, { ...USER, id: 'u2' }], 'ready')).toBeNull()
  })

  it('forgets the last Stop\'s outcome when told of another chat id, not of the same one', async () => {
    const { source } = plainChat([USER, SHOWN])
    const core = createChatStop(source, {}, { request: () => Promise.reject(new TypeError('Failed to fetch')) })
    await core.stop()
    const failed = core.getSnapshot()
    expect(failed).toMatchObject({ stopError: new TypeError('Failed to fetch'), unfollowed: true })
    core.noteChatId('c1')
    expect(core.getSnapshot()).toBe(failed)
    core.noteChatId('c2')
    expect(core.getSnapshot()).toMatchObject({ stopError: null, unfollowed: false, stoppedBefore: null })
  })
})

describe('createChatStop(): the component\'s life (connect)', () => {
  it('ends a wait for a cut-short post quietly when disconnected: the post closed, no timer, no abort after', async () => {
    const { transport, answer } = heldTransport()
    const { source } = plainChat([USER], 'submitted')
    const core = createChatStop(source, { fetch: transport }, { request })
    const disconnect = core.connect()
    postThenCut(transport)
    const stopping = core.stop()
    await flush()
    disconnect()
    await stopping
    answer(200)
    await flush()
    expect(requests).toEqual([{ url: '/api/jobs/chat/c1/abort' }])
    expect(core.getSnapshot()).toMatchObject({ stopping: false, stopError: null })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('is live again once connected again (React\'s Strict Mode mounts, unmounts and mounts): the post answered, its job is aborted', async () => {
    const { transport, answer } = heldTransport()
    const { source } = plainChat([USER], 'submitted')
    const core = createChatStop(source, { fetch: transport }, { request })
    core.connect()()
    core.connect()
    postThenCut(transport)
    const stopping = core.stop()
    await flush()
    answer(200)
    await stopping
    expect(requests).toEqual([{ url: '/api/jobs/chat/c1/abort' }, { url: '/api/jobs/chat/c1/abort', body: { messageId: 'u1' } }, { url: '/api/jobs/chat/c1/messages' }])
    expect(core.getSnapshot().stopError).toBeNull()
    expect(vi.getTimerCount()).toBe(0)
  })
})
