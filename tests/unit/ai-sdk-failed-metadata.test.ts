/**
 * The finish metadata of a failed answer reaches the SDK's `Chat`. The stream ends `error`,
 * `finish-step`, `finish { messageMetadata }`; `Chat` stops reading at the `error` chunk (its
 * `onError` throws), so the metadata on `finish` never reached `message.metadata` — while the
 * messages route, which the docs say gives what the client holds, had it. Real `Chat` from
 * `@ai-sdk/vue` and the stock transport against the real chat routes.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { JobFailure } from '../../server/lib/run-context'
import type { RunContext } from '../../server/lib/run-context'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** Half an answer, then the model fails. */
async function runner(context: RunContext): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text('Half an ')
  throw new JobFailure('upstream-error', 'The model endpoint answered HTTP 502: Bad gateway')
}

const app = useServedRoutes({ runners: { chat: runner } })
afterEach(() => {
  delete app.engine.hooks.chatMessageMetadata
})

describe('a failed answer\'s finish metadata', () => {
  it('is in message.metadata of the SDK\'s Chat, as in the messages route', async () => {
    app.engine.hooks.chatMessageMetadata = (context) => {
      context.metadata = context.part === 'start' ? { createdAt: context.job.createdAt } : { status: context.state.status, endedAt: context.state.endedAt }
    }
    const chatId = 'chat-failed-metadata'
    const errors: string[] = []
    let finished: UIMessage | undefined
    const chat = new Chat<UIMessage>({
      id: chatId,
      transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }),
      onError: error => errors.push(error.message),
      onFinish: ({ message }) => (finished = message),
    })
    await chat.sendMessage({ text: 'Tell me' })

    expect(errors).toEqual(['The model endpoint answered HTTP 502: Bad gateway'])
    const [job] = await app.engine.listJobs('user-1', { threadId: chatId })
    const { state } = await app.engine.getJob('user-1', job!.id)
    const expected = { createdAt: job!.createdAt, status: 'failed', endedAt: state.endedAt }
    expect(chat.messages.at(-1)!.metadata).toEqual(expected)
    expect(finished?.metadata).toEqual(expected)
    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: UIMessage[] }
    expect(messages.at(-1)!.metadata).toEqual(chat.messages.at(-1)!.metadata)
  })
})
