/**
 * A chat reloaded from the server (the messages route, `readChatMessages`, a `resumeStream()`
 * replay) holds the same UI messages, part for part, as the client that streamed them live: a
 * `step-start` before each model round, each round's reasoning and text parts, its tool parts
 * after them. The live message is built by the AI SDK itself (`readUIMessageStream` over the stock
 * transport). Read from the job's events (the log held from its start) it always was; read from a
 * snapshot (a log not held from its start: a job this instance continued after a takeover, a log
 * read cut short) the answer lost its rounds — one `step-start`-less run of reasoning, the tools,
 * then all the text in one part — so a renderer that splits steps on `step-start` showed another
 * message after a reload. Each round now records where it starts (shared reducer: `starts`,
 * `reasoningSeq`), and a snapshot is laid out round by round — each round's message metadata asked
 * with the state as that round ended, as live (the whole messages are compared, metadata included).
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { partsFromChunks } from '../../server/lib/ai-sdk/ui-parts'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelClient, ModelEvent } from '../../server/lib/model/types'
import type { EngineHooks } from '../../server/lib/engine-types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { readChatMessages } from '../../server/utils/background-jobs'
import { useServedRoutes } from '../support/route-app'
import { createCutLogStore } from '../support/cut-log-store'
import { sdkMessage } from '../support/sdk-message'
import { frameOf, liveSdkMessage, storedJobChunks } from '../support/stored-job-chunks'
import { textStep, toolStep } from '../support/step-model'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** Three rounds: reasoning, text and a tool call; reasoning and a call that needs approval; reasoning and the answer. */
const ROUNDS: ModelEvent[][] = [
  [{ type: 'reasoning-delta', text: 'Need the time.' }, ...toolStep([{ id: 'c1', name: 'get_time' }], { text: 'Let me check.' })],
  [{ type: 'reasoning-delta', text: 'Now clean up.' }, ...toolStep([{ id: 'c2', name: 'delete_file', args: { path: 'a.txt' } }])],
  [{ type: 'reasoning-delta', text: 'Done.' }, ...textStep('It is noon; a.txt is gone.')],
]
let round = 0
const model: ModelClient = {
  scripted: false,
  async* stream() {
    yield* ROUNDS[round++ % ROUNDS.length]!
  },
}
const tools = createToolRegistry([
  defineTool({ name: 'get_time', description: 'The time', parameters: z.object({}), execute: () => '12:00' }),
  defineTool({ name: 'delete_file', description: 'Deletes a file', parameters: z.object({ path: z.string() }), needsApproval: true, execute: ({ path }) => ({ deleted: path }) }),
])

/** While `log.cut` is set, every catch-up is a snapshot (cut-log-store.ts). */
const log = createCutLogStore()

/** Each round's end names the round and how far the text was then: the metadata a reload must ask for each round as the live stream did. */
const hooks: EngineHooks = {
  chatMessageMetadata: (context) => {
    if (context.part === 'finish-step') context.metadata = { [`round${context.step?.step}`]: `${context.step?.finishReason} at ${context.state.content.length}` }
  },
}

const app = useServedRoutes({ runners: { chat: runChatJob }, model, tools, wrap: log.wrap, hooks })

/** The chat answered live by the SDK's own `Chat` (three rounds, one approval), and its answer as the SDK built it. */
async function chatLive(chatId: string): Promise<UIMessage[]> {
  round = 0
  const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }), sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses })
  await chat.sendMessage({ text: 'What time is it? Then delete a.txt.' })
  const asked = chat.lastMessage!.parts.find(part => part.type === 'tool-delete_file') as { approval: { id: string } }
  await chat.addToolApprovalResponse({ id: asked.approval.id, approved: true })
  await vi.waitFor(() => expect(chat.status).toBe('ready'))
  await vi.waitFor(() => expect(chat.lastMessage!.parts.at(-1)).toMatchObject({ type: 'text', state: 'done' }))
  // Only what a part says: the SDK leaves `undefined` keys behind on updated parts.
  return JSON.parse(JSON.stringify(chat.messages))
}

async function messagesRoute(chatId: string): Promise<UIMessage[]> {
  return ((await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json()) as { messages: UIMessage[] }).messages
}

const partTypes = (message: UIMessage) => message.parts.map(part => part.type)

describe('a reloaded chat has the parts the live client built', () => {
  it('from the job\'s events: the messages route and readChatMessages', async () => {
    const live = await chatLive('chat-reloaded-events')
    expect(partTypes(live[1]!)).toEqual(['step-start', 'reasoning', 'text', 'tool-get_time', 'step-start', 'reasoning', 'tool-delete_file', 'step-start', 'reasoning', 'text'])
    expect(live[1]!.metadata).toEqual({ round1: 'tool_calls at 13', round2: 'tool_calls at 13', round3: 'stop at 41' })
    expect(await messagesRoute('chat-reloaded-events')).toEqual(live)
    expect(await readChatMessages('user-1', 'chat-reloaded-events')).toEqual(live)
  })

  it('from a snapshot (the log not held from its start): the messages route, readChatMessages and a replay built by the SDK', async () => {
    const live = await chatLive('chat-reloaded-snapshot')
    log.cut = true
    try {
      // Before: ['reasoning', 'tool-get_time', 'tool-delete_file', 'text'], the rounds gone.
      expect(await messagesRoute('chat-reloaded-snapshot')).toEqual(live)
      expect(await readChatMessages('user-1', 'chat-reloaded-snapshot')).toEqual(live)
    }
    finally {
      log.cut = false
    }
  })

  it('a snapshot of a log read whole, mapped and read back by the SDK, is the message its events give', async () => {
    await chatLive('chat-reloaded-mapped')
    const jobId = (await messagesRoute('chat-reloaded-mapped'))[1]!.id
    const { events, map, beforeEnd } = await storedJobChunks(log.store, jobId)
    const fromEvents = map(events.map(frameOf))
    const fromSnapshot = beforeEnd()
    const read = await sdkMessage(fromSnapshot)
    expect(read).toEqual(await sdkMessage(fromEvents))
    expect(partsFromChunks(fromSnapshot)).toEqual(read.parts)
    // The stream as the SDK reads it live, chunk by chunk.
    expect(await liveSdkMessage(fromSnapshot)).toEqual(read)
  })
})
