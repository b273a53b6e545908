/**
 * A photo sent as a data URL over about 3 MB (`sendMessage({ text, files })`) pushes the body past
 * `limits.maxChatBodyBytes`: a `413`, not the `400` for its file part. The SDK keeps the refused
 * message and posts it again with every later turn, so the chat was stuck on
 * `Body is larger than 4194304 bytes (limits.maxChatBodyBytes)` until a reload, and neither the
 * `413` nor docs/ai-sdk.md said why or what to do (the docs said earlier file parts were never a
 * refusal on later turns). The `413` now says it, and the docs' "Refused messages" recipe, run as
 * written, lets the chat go on. Real `Chat` from `@ai-sdk/vue`, the stock transport, the real route.
 */
import { readFileSync } from 'node:fs'
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import type { RunContext } from '../../server/lib/run-context'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

async function runner(context: RunContext): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text('Hello.')
}

const app = useServedRoutes({ runners: { chat: runner } })

/** A 3.2 MB JPEG as the SDK's `files` carry it: a data URL (4.3 MB of base64). */
const PHOTO = { type: 'file' as const, mediaType: 'image/jpeg', url: `data:image/jpeg;base64,${'A'.repeat(4_300_000)}` }

type Send = (chat: Chat<UIMessage>, message: Parameters<Chat<UIMessage>['sendMessage']>[0]) => Promise<void>

/** The `send` of docs/ai-sdk.md's "Refused messages" (plain JavaScript), run as written. */
function docsSend(): Send {
  const docs = readFileSync(new URL('../../docs/ai-sdk.md', import.meta.url), 'utf8')
  const at = docs.indexOf('### Refused messages')
  expect(at, 'docs/ai-sdk.md has a "Refused messages" section').toBeGreaterThan(-1)
  const code = /```js\n([\s\S]*?)```/.exec(docs.slice(at))![1]!
  return new Function(`${code}\nreturn send`)() as Send
}

function newChat(id: string, errors: Array<{ statusCode?: number, message: string }>) {
  return new Chat<UIMessage>({
    id,
    transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }),
    onError: error => errors.push({ statusCode: (error as { statusCode?: number }).statusCode, message: error.message }),
  })
}

const textOf = (message: UIMessage | undefined) => message?.parts.map(part => (part.type === 'text' ? part.text : '')).join('')

describe('a photo too large for the chat body', () => {
  it('is a 413 that says what to do, and every later turn of a stock Chat posts it again', async () => {
    const errors: Array<{ statusCode?: number, message: string }> = []
    const chat = newChat('chat-big-photo-stuck', errors)
    await chat.sendMessage({ text: 'What is in this photo?', files: [PHOTO] })
    await chat.sendMessage({ text: 'Hello?' })

    expect(errors.map(error => error.statusCode)).toEqual([413, 413])
    const message = errors[0]!.message
    expect(message).toMatch(/^Body is larger than 4194304 bytes \(limits\.maxChatBodyBytes\): /)
    expect(message).toContain('file parts are refused')
    expect(message).toContain('remove the refused message from the chat\'s messages, or every later turn posts it again')
  })

  it('the docs\' recipe drops the refused message, and the chat goes on', async () => {
    const send = docsSend()
    const errors: Array<{ statusCode?: number, message: string }> = []
    const chat = newChat('chat-big-photo-recipe', errors)
    await send(chat, { text: 'What is in this photo?', files: [PHOTO] })
    expect(errors.map(error => error.statusCode)).toEqual([413])
    expect(chat.messages).toEqual([])

    await send(chat, { text: 'Hello?' })
    expect(errors).toHaveLength(1)
    expect(chat.status).toBe('ready')
    expect(chat.messages.map(message => [message.role, textOf(message)])).toEqual([['user', 'Hello?'], ['assistant', 'Hello.']])
  })

  it('the recipe also drops a message refused with a 400 for its file (a URL, not a data URL)', async () => {
    const send = docsSend()
    const errors: Array<{ statusCode?: number, message: string }> = []
    const chat = newChat('chat-url-file-recipe', errors)
    await send(chat, { text: 'And this one?', files: [{ type: 'file', mediaType: 'application/pdf', url: 'https://example.com/report.pdf' }] })
    expect(errors.map(error => error.statusCode)).toEqual([400])
    expect(errors[0]!.message).toContain('file parts (application/pdf) are not supported')
    expect(chat.messages).toEqual([])
    await send(chat, { text: 'Hello?' })
    expect(chat.messages.map(message => [message.role, textOf(message)])).toEqual([['user', 'Hello?'], ['assistant', 'Hello.']])
  })

  it('the recipe gives a refused edit its old message and answer back', async () => {
    const send = docsSend()
    const errors: Array<{ statusCode?: number, message: string }> = []
    const chat = newChat('chat-big-photo-edit', errors)
    await send(chat, { text: 'Hello?' })
    const answered = chat.messages
    expect(answered.map(message => [message.role, textOf(message)])).toEqual([['user', 'Hello?'], ['assistant', 'Hello.']])
    await send(chat, { text: 'What is in this photo?', files: [PHOTO], messageId: answered[0]!.id })
    expect(errors.map(error => error.statusCode)).toEqual([413])
    expect(chat.messages).toEqual(answered)
    await send(chat, { text: 'Thanks' })
    expect(errors).toHaveLength(1)
    expect(chat.messages.map(message => [message.role, textOf(message)])).toEqual([['user', 'Hello?'], ['assistant', 'Hello.'], ['user', 'Thanks'], ['assistant', 'Hello.']])
  })
})
