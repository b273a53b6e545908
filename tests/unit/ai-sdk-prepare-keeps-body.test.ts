/**
 * docs/ai-sdk.md's two `prepareSendMessagesRequest` examples (a whole body without earlier tool
 * parts, and "Sending only the last message"), run as the docs write them, in an app that also
 * sends fields of its own (`DefaultChatTransport({ body })`, `sendMessage(…, { body })`). The SDK
 * hands those to `prepareSendMessagesRequest` as `body` and, once it returns a body, sends only
 * what it returns: the examples built a body without them, so `model`, `tools` and the app's own
 * fields (`job.request.clientBody`) never reached the server. They now spread `...body` first.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import { DefaultChatTransport } from 'ai'
import type { PrepareSendMessagesRequest, UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import type { JobRecord } from '../../server/lib/providers/types'
import { deleteOrPlainAnswer } from '../support/delete-approvals'
import { readDoc } from '../support/docs-section'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** `job.request.clientBody` of every chat job created, by thread. */
const created = new Map<string, unknown>()

const app = useServedRoutes({
  runners: { chat: deleteOrPlainAnswer },
  hooks: {
    jobCreated: (job: JobRecord) => {
      if (job.request.type === 'chat') created.set(job.threadId ?? '', job.request.clientBody)
    },
  },
})

/** The `prepareSendMessagesRequest` line of the docs' example after `after` (one line, plain JavaScript). */
function documentedPrepare(after: string): PrepareSendMessagesRequest<UIMessage> {
  const docs = readDoc('ai-sdk.md')
  const start = docs.indexOf(after)
  expect(start, `docs/ai-sdk.md has "${after}"`).toBeGreaterThanOrEqual(0)
  const line = /^\s*prepareSendMessagesRequest: (.+),$/m.exec(docs.slice(start))?.[1]
  expect(line, `docs/ai-sdk.md shows a prepareSendMessagesRequest after "${after}"`).toBeDefined()
  return new Function(`return ${line}`)() as PrepareSendMessagesRequest<UIMessage>
}

const EXAMPLES = [
  ['the whole body without earlier tool parts', 'the newest message only (see "Sending only'],
  ['the newest message only', '## Sending only the last message'],
] as const

describe('the docs\' prepareSendMessagesRequest examples keep the app\'s body fields', () => {
  it.each(EXAMPLES)('%s: the transport\'s and the call\'s fields reach the job', async (name, after) => {
    const chatId = `chat-prepare-keeps-body-${name.replaceAll(' ', '-')}`
    const chat = new Chat<UIMessage>({
      id: chatId,
      transport: new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat`, body: { projectId: 'p-1' }, prepareSendMessagesRequest: documentedPrepare(after) }),
    })
    await chat.sendMessage({ text: 'hello' }, { body: { persona: 'reviewer' } })
    expect(chat.error?.message).toBeUndefined()
    expect(chat.lastMessage?.parts.some(part => part.type === 'text' && part.text === 'Plain answer.')).toBe(true)
    // Before: undefined — the examples' body had the SDK's fields only.
    expect(created.get(chatId)).toEqual({ projectId: 'p-1', persona: 'reviewer' })
  })
})
