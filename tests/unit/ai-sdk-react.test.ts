/**
 * `@ai-sdk/react`'s `useChat` against the layer's chat route, with nothing changed but the
 * transport's `api` (docs/ai-sdk.md): an answer that calls a tool, streamed into one message
 * whose id is its job's; and a reload mid-answer — the chat's messages loaded from the messages
 * route, `resume: true` (React's option: `@ai-sdk/vue` has none) — that follows the running job
 * to its end, in the same message. The hook runs in a real React renderer (react-test-renderer,
 * in Node: no browser), the real route and the real executor.
 */
import { useChat } from '@ai-sdk/react'
import type { UseChatHelpers } from '@ai-sdk/react'
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { createElement } from 'react'
import { create } from 'react-test-renderer'
import { z } from 'zod'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelClient } from '../../server/lib/model/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { quietReactTestRenderer } from '../support/quiet-react-test-renderer'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** Lets the held answer ("long" in the question) go on. */
let release: () => void = () => {}

/** "time": a tool round, then the answer; "long": `Partial `, then the rest once released. */
const model: ModelClient = {
  scripted: false,
  async* stream(request) {
    const last = request.messages.at(-1)!
    if (last.role === 'user' && String(last.content).includes('time')) {
      yield { type: 'tool-call', call: { id: 'call_time', name: 'get_time', arguments: '{}' } }
      yield { type: 'finish', finishReason: 'tool_calls' }
      return
    }
    if (String(last.content).includes('long')) {
      yield { type: 'text-delta', text: 'Partial ' }
      await new Promise<void>(resolve => (release = resolve))
      yield { type: 'text-delta', text: 'and done.' }
      yield { type: 'finish', finishReason: 'stop' }
      return
    }
    yield { type: 'text-delta', text: 'It is noon.' }
    yield { type: 'finish', finishReason: 'stop' }
  },
}
const tools = createToolRegistry([defineTool({ name: 'get_time', description: 'The time', parameters: z.object({}), execute: () => '12:00' })])
const app = useServedRoutes({ runners: { chat: runChatJob }, model, tools })

quietReactTestRenderer()
// Run first of the hooks after the tests (they run in reverse): a held answer a failed test left is let go, so the engine closes.
afterAll(() => {
  release()
})

/**
 * Renders a component that calls `useChat(options)` with the stock transport on the route, as an
 * app's page does (React schedules its renders itself: no `act`); `chat()` is its latest result.
 */
async function renderChat(options: Parameters<typeof useChat<UIMessage>>[0] = {}) {
  let helpers: UseChatHelpers<UIMessage> | undefined
  function ChatPage() {
    helpers = useChat<UIMessage>({ ...options, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    return null
  }
  const renderer = create(createElement(ChatPage))
  await vi.waitFor(() => expect(helpers).toBeDefined())
  return { chat: () => helpers!, unmount: () => renderer.unmount() }
}

const texts = (message: UIMessage | undefined) => message?.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('')

describe('@ai-sdk/react useChat with only api changed', () => {
  it('streams an answer that calls a tool into one message, its id the job\'s', async () => {
    const page = await renderChat({ id: 'react-chat' })
    await page.chat().sendMessage({ text: 'What time is it?' })
    await vi.waitFor(() => expect(page.chat().status).toBe('ready'))
    const [question, answer] = page.chat().messages
    expect(question).toMatchObject({ role: 'user', parts: [{ type: 'text', text: 'What time is it?' }] })
    expect(answer!.role).toBe('assistant')
    expect(answer!.parts.map(part => part.type)).toEqual(['step-start', 'tool-get_time', 'step-start', 'text'])
    expect(answer!.parts[1]).toMatchObject({ state: 'output-available', output: '12:00' })
    expect(texts(answer)).toBe('It is noon.')
    expect((await app.engine.getJob('user-1', answer!.id)).job.status).toBe('completed')
    page.unmount()
  })

  it('after a reload mid-answer: the messages route, then resume: true, follow the running job to its end in the same message', async () => {
    const first = await renderChat({ id: 'react-resume' })
    const sent = first.chat().sendMessage({ text: 'A long answer, please' })
    await vi.waitFor(() => expect(texts(first.chat().messages[1])).toBe('Partial '))
    const jobId = first.chat().messages[1]!.id
    // The reload: the page and its useChat are gone; the job runs on.
    first.unmount()

    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/react-resume/messages`)).json() as { messages: UIMessage[] }
    expect(messages.map(message => [message.role, texts(message)])).toEqual([['user', 'A long answer, please'], ['assistant', 'Partial ']])
    const reloaded = await renderChat({ id: 'react-resume', messages, resume: true })
    await vi.waitFor(() => expect(reloaded.chat().status).toBe('streaming'))
    release()
    await vi.waitFor(() => expect(reloaded.chat().status).toBe('ready'))
    expect(reloaded.chat().messages.map(message => [message.id, message.role, texts(message)])).toEqual([
      [messages[0]!.id, 'user', 'A long answer, please'],
      [jobId, 'assistant', 'Partial and done.'],
    ])
    expect((await app.engine.getJob('user-1', jobId)).job.status).toBe('completed')
    reloaded.unmount()
    await sent
  })
})
