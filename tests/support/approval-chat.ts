/**
 * A real `Chat` of `@ai-sdk/vue` on the stock transport against the served chat route, posting by
 * itself once every approval is answered; and a wait for a job's end. Shared by the AI SDK
 * approval tests (ai-sdk-approvals-after-end, ai-sdk-approvals-overridden, ai-sdk-approvals-answered-already).
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import type { RouteApp } from './route-app'

/** The chat `chatId`; `errors` keeps its error messages, `nextFinish()` resolves at its next finish. */
export function approvalChat(app: RouteApp, chatId: string) {
  let finished: () => void = () => {}
  const errors: string[] = []
  const chat = new Chat<UIMessage>({
    id: chatId,
    transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }),
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    onFinish: () => finished(),
    onError: error => errors.push(error.message),
  })
  const nextFinish = () => new Promise<void>(resolve => (finished = resolve))
  return { chat, errors, nextFinish }
}

/** Waits (in event-loop turns, not time) until `user-1`'s job is no longer running. */
export async function jobEnded(app: RouteApp, jobId: string): Promise<void> {
  for (let turn = 0; turn < 1000; turn++) {
    const { state } = await app.engine.getJob('user-1', jobId)
    if (state.status !== 'running' && state.status !== 'waiting') return
    await new Promise(resolve => setImmediate(resolve))
  }
  throw new Error(`job ${jobId} did not end`)
}
