/**
 * An edit or a regeneration of an earlier message with the real AI SDK client: the SDK drops the
 * turns after it, and the chat the server rebuilds (the messages route a reloaded page reads, and
 * the history a newest-message-only client's next turn gets) is the client's, in its order.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { createClient } from '../support/http-client'
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream'
import { lastTurnOf, startMockUpstream } from '../support/mock-upstream'
import { chatId } from '../support/ai-sdk-fetch'

/** Releases the answer held mid-way (a prompt with "hold" in it). */
let release: () => void = () => {}
let held = Promise.resolve()

function upstreamTurn(request: RecordedRequest) {
  const { prompt } = lastTurnOf(request)
  if (prompt.includes('hold')) return { chunks: ['Held ', 'answer ', 'to: ', prompt], pauseAfterChunks: 2, resume: held }
  return { chunks: [`Answer to: ${prompt}`] }
}

let upstream: MockUpstream
let app: AppServer
beforeAll(async () => {
  upstream = await startMockUpstream(request => upstreamTurn(request))
  app = await startAppServer({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key' })
})
afterAll(async () => {
  release()
  await app?.stop()
  await upstream?.close()
})

const text = (m: UIMessage) => m.parts.map(p => (p.type === 'text' ? p.text : '')).join('')

async function sdkChat(prepare?: boolean) {
  const client = await createClient(app.url).init()
  const transport = new DefaultChatTransport<UIMessage>({
    api: `${app.url}/api/jobs/chat`,
    headers: { cookie: client.cookie() },
    ...(prepare ? { prepareSendMessagesRequest: ({ id, messages }: { id: string, messages: UIMessage[] }) => ({ body: { id, message: messages.at(-1) } }) } : {}),
  })
  const chat = new Chat<UIMessage>({ id: chatId(), transport })
  return { client, chat }
}

describe('editing or regenerating an earlier message', () => {
  it('edit the first message of a two-turn chat: the messages route (reload) keeps the client order', async () => {
    const { client, chat } = await sdkChat()
    await chat.sendMessage({ text: 'one' })
    await chat.sendMessage({ text: 'two' })
    const firstId = chat.messages[0]!.id
    // Edit the first message (the SDK drops what follows and asks for a new answer).
    await chat.sendMessage({ text: 'one edited', messageId: firstId })
    const held = chat.messages.map(m => [m.role, text(m)])
    expect(held).toEqual([['user', 'one edited'], ['assistant', 'Answer to: one edited']])
    const { body } = await client.get(`/api/jobs/chat/${encodeURIComponent(chat.id)}/messages`)
    expect(body.messages.map((m: UIMessage) => [m.role, text(m)])).toEqual(held)
    expect(body.messages.map((m: UIMessage) => m.id)).toEqual(chat.messages.map(m => m.id))
    // The chat goes on after the edit: the new turn comes after the edited one.
    await chat.sendMessage({ text: 'three' })
    const again = await client.get(`/api/jobs/chat/${encodeURIComponent(chat.id)}/messages`)
    expect(again.body.messages.map((m: UIMessage) => [m.role, text(m)])).toEqual(chat.messages.map(m => [m.role, text(m)]))
  })

  it('regenerate() of the FIRST answer of a two-turn chat: the messages route (reload) keeps the client order', async () => {
    const { client, chat } = await sdkChat()
    await chat.sendMessage({ text: 'one' })
    await chat.sendMessage({ text: 'two' })
    await chat.regenerate({ messageId: chat.messages[1]!.id })
    const held = chat.messages.map(m => [m.role, text(m)])
    expect(held).toEqual([['user', 'one'], ['assistant', 'Answer to: one']])
    const { body } = await client.get(`/api/jobs/chat/${encodeURIComponent(chat.id)}/messages`)
    expect(body.messages.map((m: UIMessage) => [m.role, text(m)])).toEqual(held)
  })

  it('newest-message-only client: after editing the first message, the next turn\'s history (sent to the model) is in chat order', async () => {
    const { chat } = await sdkChat(true)
    await chat.sendMessage({ text: 'alpha' })
    await chat.sendMessage({ text: 'beta' })
    await chat.sendMessage({ text: 'alpha edited', messageId: chat.messages[0]!.id })
    const before = upstream.requests.length
    await chat.sendMessage({ text: 'gamma' })
    const sent = (upstream.requests.slice(before)[0]!.body!.messages as Array<{ role: string, content: string }>).filter(m => m.role !== 'system').map(m => m.content)
    expect(sent).toEqual(['alpha edited', 'Answer to: alpha edited', 'gamma'])
  })

  it('edit the first message while the second answer still runs (stop() only closed it): a reload\'s resumeStream() does not bring the dropped answer back', async () => {
    held = new Promise(resolve => (release = resolve))
    const { client, chat } = await sdkChat()
    await chat.sendMessage({ text: 'one' })
    const sending = chat.sendMessage({ text: 'two, hold' })
    await vi.waitFor(() => expect(chat.messages.at(-1)!.role === 'assistant' && text(chat.messages.at(-1)!)).toBe('Held answer '))
    await chat.stop()
    await sending
    await chat.sendMessage({ text: 'one edited', messageId: chat.messages[0]!.id })
    expect(chat.messages.map(m => [m.role, text(m)])).toEqual([['user', 'one edited'], ['assistant', 'Answer to: one edited']])
    // The dropped turn's answer was ended, its partial text kept.
    const { body: { jobs } } = await client.get(`/api/jobs?threadId=${encodeURIComponent(chat.id)}`)
    expect(jobs.filter((job: { prompt: string }) => job.prompt === 'two, hold').map((job: { status: string }) => job.status)).toEqual(['aborted'])

    // A reload: the chat's messages from the server, then resume (the docs' code).
    const reloaded = new Chat<UIMessage>({ id: chat.id, transport: new DefaultChatTransport<UIMessage>({ api: `${app.url}/api/jobs/chat`, headers: { cookie: client.cookie() } }) })
    reloaded.messages = (await client.get(`/api/jobs/chat/${encodeURIComponent(chat.id)}/messages`)).body.messages
    expect(reloaded.messages.map(m => m.id)).toEqual(chat.messages.map(m => m.id))
    const resuming = reloaded.resumeStream()
    // Either nothing to resume (ready) or a stream (streaming): then let the held answer end.
    await vi.waitFor(() => expect(['ready', 'streaming']).toContain(reloaded.status))
    release()
    await resuming
    expect(reloaded.messages.map(m => [m.role, text(m)])).toEqual([['user', 'one edited'], ['assistant', 'Answer to: one edited']])
  })
})
