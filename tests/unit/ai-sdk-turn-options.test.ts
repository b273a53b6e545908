/**
 * docs/ai-sdk.md's recipe for a per-message option: it goes on the user message's `metadata`,
 * which the job keeps and the `background-jobs:upstream-request` hook reads for every model round
 * of the answer — the first, those after a tool approval, and a `regenerate()`'s. (A body field is
 * kept too, as `clientBody`, which this hook does not read: ai-sdk-body-fields.test.ts.) Read with the SDK's own `Chat` on the stock transport, the real executor.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { useServedRoutes } from '../support/route-app'
import { deleteAskingModel, deleteTool } from '../support/superseded-answers'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** The model of each round as the hook left it. */
const models: string[] = []

/** Asks to delete a.txt when told to, then (after the tool's result) or otherwise says `Done.`. */
const model = deleteAskingModel(request => models.push(request.model))

const app = useServedRoutes({
  runners: { chat: runChatJob },
  model,
  tools: deleteTool().tools,
  hooks: {
    // The hook of the docs' example.
    upstreamRequest: ({ job, request }) => {
      const options = job.request.type === 'chat' ? job.request.promptMetadata : undefined
      if (typeof options === 'object' && options !== null && (options as { webSearch?: unknown }).webSearch === true) request.model = `${request.model}:online`
    },
  },
})

describe('a per-turn option on the message metadata (docs/ai-sdk.md, extra body fields)', () => {
  it('reaches the upstream-request hook on every round: the first, after an approval, on regenerate(); a body field does not', async () => {
    let finished: () => void = () => {}
    const chat = new Chat<UIMessage>({
      id: 'turn-options',
      transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }),
      sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
      onFinish: () => finished(),
    })
    await chat.sendMessage({ text: 'Say hi' }, { body: { webSearch: true } })
    expect(models).toEqual(['openai/gpt-4o-mini'])

    await chat.sendMessage({ text: 'Please delete a.txt', metadata: { webSearch: true } })
    const part = chat.lastMessage!.parts.find(candidate => candidate.type === 'tool-delete_file') as { approval: { id: string } }
    const continued = new Promise<void>(resolve => (finished = resolve))
    await chat.addToolApprovalResponse({ id: part.approval.id, approved: true })
    await continued
    await chat.regenerate()
    expect(models).toEqual(['openai/gpt-4o-mini', 'openai/gpt-4o-mini:online', 'openai/gpt-4o-mini:online', 'openai/gpt-4o-mini:online'])
    expect(chat.status).toBe('ready')
  })
})
