/**
 * docs/tool-progress.md's AI SDK example and what it says of the `data-tool-progress` part, held
 * to the code: the example is tests/support/docs-tool-progress-snippet.ts (type-checked by
 * `tsc -p tests`; the page's earlier one did not type-check with the plain `UIMessage`: `.data`
 * on a part `find` returned), and an ended call's last progress is kept live and in the messages
 * route alike.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import { readFileSync } from 'node:fs'
import { DefaultChatTransport } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import type { RunContext } from '../../server/lib/run-context'
import { readDoc } from '../support/docs-section'
import type { ChatMessage } from '../support/docs-tool-progress-snippet'
import { progressOf } from '../support/docs-tool-progress-snippet'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** Lets the call end once the test has seen its progress live. */
let endCall: () => void = () => {}
const callEnds = new Promise<void>(resolve => (endCall = resolve))

/** One call that reports progress and ends (when the test says), then text. */
async function crawl(context: RunContext): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.emit({ type: 'tool-call', id: 'c1', name: 'crawl_site', args: {}, step: 1 })
  context.emit({ type: 'tool-progress', id: 'c1', message: 'Fetched 3 of 10 pages', fraction: 0.3 })
  await callEnds
  context.emit({ type: 'tool-result', id: 'c1', status: 'completed', result: { pages: 10 }, durationMs: 5 })
  context.emit({ type: 'step-end', step: 1, finishReason: 'tool_calls' })
  context.emit({ type: 'step-start', step: 2 })
  context.text('Crawled.')
  context.emit({ type: 'step-end', step: 2, finishReason: 'stop' })
}

const app = useServedRoutes({ runners: { chat: crawl as never } })

describe('docs/tool-progress.md, the AI SDK part', () => {
  it('shows the type-checked example verbatim', () => {
    const file = readFileSync(new URL('../support/docs-tool-progress-snippet.ts', import.meta.url), 'utf8')
    const example = file.split('\n').slice(2).join('\n').replaceAll('export ', '')
    expect(readDoc('tool-progress.md')).toContain(`\`\`\`ts\n${example}\`\`\``)
  })

  it('live and in the messages route alike, an ended call keeps its last progress', async () => {
    const chat = new Chat<ChatMessage>({ id: 'chat-progress-live-reload', transport: new DefaultChatTransport<ChatMessage>({ api: `${app.base}/api/jobs/chat` }) })
    const sent = chat.sendMessage({ text: 'crawl' })
    await vi.waitFor(() => expect(chat.lastMessage?.parts.some(part => part.type === 'data-tool-progress')).toBe(true))
    endCall()
    await sent
    const live = chat.lastMessage!
    expect(live.parts.find(part => part.type === 'tool-crawl_site')).toMatchObject({ state: 'output-available' })
    expect(progressOf(live, 'c1')).toEqual({ toolCallId: 'c1', message: 'Fetched 3 of 10 pages', fraction: 0.3 })
    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/chat-progress-live-reload/messages`)).json() as { messages: ChatMessage[] }
    const reloaded = messages.at(-1)!
    expect(reloaded.id).toBe(live.id)
    // Before: undefined (decision 43).
    expect(progressOf(reloaded, 'c1')).toEqual({ toolCallId: 'c1', message: 'Fetched 3 of 10 pages', fraction: 0.3 })
    expect(reloaded.parts).toEqual(JSON.parse(JSON.stringify(live.parts)))
  })
})
