/**
 * Each model round's model reaches the AI SDK client as message metadata (decision 32's `step-end`
 * `model`): the `finish-step` chunk of AI SDK 7's UI message stream carries no field, so, as its
 * own `toUIMessageStream` does with what `messageMetadata` gives for a `finish-step` part, the
 * metadata hook is asked at each round's end (`part: 'finish-step'`, `step`: that round) and what
 * it sets goes in a `message-metadata` chunk just before the round's `finish-step`. Before, the hook
 * was asked on `start` and `finish` only: a chat whose rounds ran on two models could tell the
 * client neither per round. Real `Chat` from `@ai-sdk/vue` and the stock transport against the real
 * chat routes; the messages route gives the same merged metadata after a reload.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { UiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import type { MessageMetadataSource } from '../../server/lib/ai-sdk/message-metadata'
import { withStepMetadata } from '../../server/lib/ai-sdk/message-metadata'
import type { UiStreamSinkOptions } from '../../server/lib/http/ui-stream-sink'
import type { RunContext } from '../../server/lib/run-context'
import { useServedRoutes } from '../support/route-app'
import { createLoopback, readAll } from '../support/ui-stream-loopback'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** Set: the runner holds its second round open (after its text) until it settles. */
let holdRoundTwo: Promise<void> | null = null

/** Two rounds on two models, as the loop stores them (each `step-end` names its model). */
async function runner(context: RunContext): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text('Looking. ')
  context.emit({ type: 'step-end', step: 1, finishReason: 'stop', toolCallCount: 0, model: 'cheap/model' })
  context.emit({ type: 'step-start', step: 2 })
  context.text('Found it.')
  if (holdRoundTwo) await holdRoundTwo
  context.emit({ type: 'step-end', step: 2, finishReason: 'stop', toolCallCount: 0, model: 'premium/model' })
}

const app = useServedRoutes({ runners: { chat: runner } })
const loopback = createLoopback()
afterEach(async () => {
  delete app.engine.hooks.chatMessageMetadata
  await loopback.close()
})

const numbered = (payloads: JobEventPayload[]) => payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: index }) as JobEvent)

describe('a round\'s model as message metadata', () => {
  it('goes in a message-metadata chunk before each finish-step, into message.metadata of the SDK\'s Chat and the messages route', async () => {
    const parts: string[] = []
    app.engine.hooks.chatMessageMetadata = (context) => {
      parts.push(context.part)
      if (context.part === 'finish-step') context.metadata = { rounds: { [String(context.step!.step)]: context.step!.model } }
      if (context.part === 'finish') context.metadata = { lastModel: context.state.steps.at(-1)?.model }
    }
    const chatId = 'chat-round-metadata'
    const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    await chat.sendMessage({ text: 'Find it' })

    const expected = { rounds: { 1: 'cheap/model', 2: 'premium/model' }, lastModel: 'premium/model' }
    // Before: { lastModel } only — the hook was never asked at a round's end.
    expect(chat.messages.at(-1)!.metadata).toEqual(expected)
    expect(parts).toEqual(['start', 'finish-step', 'finish-step', 'finish'])
    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: UIMessage[] }
    expect(messages.at(-1)!.metadata).toEqual(expected)
  })

  it('on the messages route: asked per ended round of each answer, as the live client merged them; a running answer\'s open round and finish not yet', async () => {
    // By design (ai-sdk-metadata.md, the messages route): a reload shows what the client held, and
    // the client merged every ended round's metadata. Pinned: asked once per message end only, a
    // reload would lose the rounds' models the live answer showed.
    const parts: string[] = []
    app.engine.hooks.chatMessageMetadata = (context) => {
      parts.push(context.part)
      if (context.part === 'start') context.metadata = { started: context.job.createdAt }
      if (context.part === 'finish-step') context.metadata = { rounds: { [String(context.step!.step)]: context.step!.model } }
      if (context.part === 'finish') context.metadata = { ended: context.state.status }
    }
    let release!: () => void
    holdRoundTwo = new Promise<void>(resolve => (release = resolve))
    try {
      const chatId = 'chat-round-metadata-history'
      const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
      const sent = chat.sendMessage({ text: 'Find it' })
      await vi.waitFor(() => expect(chat.messages.at(-1)?.parts.some(part => part.type === 'text' && part.text.includes('Found'))).toBe(true))
      const read = async () => {
        parts.length = 0
        const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: UIMessage[] }
        return messages.at(-1)!.metadata as Record<string, unknown>
      }
      // Running in round 2: the start's and round 1's, as the live client holds them.
      const running = await read()
      expect(parts).toEqual(['start', 'finish-step'])
      expect(running).toEqual({ started: expect.any(Number), rounds: { 1: 'cheap/model' } })
      expect(running).toEqual(chat.messages.at(-1)!.metadata)
      release()
      await sent
      const ended = await read()
      expect(parts).toEqual(['start', 'finish-step', 'finish-step', 'finish'])
      expect(ended).toEqual({ started: expect.any(Number), rounds: { 1: 'cheap/model', 2: 'premium/model' }, ended: 'completed' })
      expect(ended).toEqual(chat.messages.at(-1)!.metadata)
    }
    finally {
      holdRoundTwo = null
      release()
    }
  })

  it('is sent just before its finish-step, the chunks after it waiting for the hook; a replay (one catch-up) gives the same', async () => {
    const events = numbered([
      { type: 'job-status', status: 'running' },
      { type: 'step-start', step: 1 },
      { type: 'text-delta', offset: 0, text: 'Looking. ' },
      { type: 'step-end', step: 1, finishReason: 'stop', toolCallCount: 0, model: 'cheap/model' },
      { type: 'step-start', step: 2 },
      { type: 'text-delta', offset: 9, text: 'Found it.' },
      { type: 'step-end', step: 2, finishReason: 'stop', toolCallCount: 0, model: 'premium/model' },
      { type: 'job-end', status: 'completed', metrics: emptyMetrics() },
    ])
    // A hook that settles a few turns later: after every frame was sent and mapped.
    const source: MessageMetadataSource = async (part, state) => {
      for (let turn = 0; turn < 3; turn++) await Promise.resolve()
      return part === 'finish-step' ? { model: state.steps.at(-1)?.model } : undefined
    }
    const options = (mapper: UiChunkMapper): Partial<UiStreamSinkOptions> => ({ finishMetadata: state => source('finish', state), roundMetadata: chunks => withStepMetadata(chunks, source, mapper.roundEndOf) })
    const types = async (catchUp: boolean) => {
      const response = await loopback.open(sink => events.forEach(event => sink.send({ event: event.type, id: event.seq, data: event }, { catchUp })), options)
      const { body } = await readAll(response)
      return body.split('\n\n').filter(line => line.startsWith('data: {')).map(line => JSON.parse(line.slice(6)) as { type: string, messageMetadata?: unknown })
    }
    const live = await types(false)
    expect(live.map(chunk => chunk.type === 'message-metadata' ? chunk : chunk.type)).toEqual([
      'start', 'start-step', 'text-start', 'text-delta', 'text-end',
      { type: 'message-metadata', messageMetadata: { model: 'cheap/model' } }, 'finish-step',
      'start-step', 'text-start', 'text-delta', 'text-end',
      { type: 'message-metadata', messageMetadata: { model: 'premium/model' } }, 'finish-step',
      'finish',
    ])
    expect(await types(true)).toEqual(live)
  })
})
