/**
 * The server-side public API, auto-imported in apps that extend the layer:
 * `useBackgroundJobsEngine()` gives the engine (start, list, abort, answer jobs from your own routes);
 * `readChatMessages()` an AI SDK chat's stored messages.
 */
import { useBackgroundJobsEngine as engineOfThisProcess } from '../lib/engine-instance'
import type { BackgroundJobsEngine } from '../lib/engine'
import { readChatMessagesOf } from '../lib/ai-sdk/read-chat-messages'
import type { ReadChatMessagesOptions } from '../lib/ai-sdk/read-chat-messages'
import type { UiMessage } from '../lib/ai-sdk/ui-parts'

export type { BackgroundJobsEngine } from '../lib/engine'
export type { CreateJobInput } from '../lib/engine-types'
export type { ReadChatMessagesOptions } from '../lib/ai-sdk/read-chat-messages'
/** A message of an AI SDK chat as the layer stores it: the shape of the SDK's `UIMessage` (cast it to yours). */
export type ChatUiMessage = UiMessage

/**
 * The engine of this server process (resolves once it has booted). Its calls are scoped to the
 * user id you pass: `createJob(userId, { request: { type: 'chat', messages }, threadId? })`,
 * `getJob`, `listJobs` (`listJobPage` for a page and its `next`), `abortJob`, `answerInput` (docs/hooks.md).
 */
export function useBackgroundJobsEngine(): Promise<BackgroundJobsEngine> {
  return engineOfThisProcess()
}

/**
 * @deprecated Use `useBackgroundJobsEngine()`. This server helper shares its name with the client
 * composable `useBackgroundJobs()`, and `nuxt typecheck` checks your server routes with the app's
 * declarations too (for typed `$fetch`), where the name means the composable: a route calling it
 * failed to type-check (`Property 'createJob' does not exist`).
 */
export function useBackgroundJobs(): Promise<BackgroundJobsEngine> {
  return engineOfThisProcess()
}

/**
 * The messages of AI SDK chat `chatId` (`useChat({ id })`) of user `userId`, oldest first, as
 * `GET /api/jobs/chat/:chatId/messages` gives them to that user (assistant messages with your
 * metadata hook's metadata): `[]` for a chat the user has no job in, another user's included. For
 * server code without the user's request: your own route that renders a chat, a webhook, an export.
 * An invalid user or chat id throws an `InvalidRequestError` (400). docs/ai-sdk.md, "After a reload".
 */
export async function readChatMessages(userId: string, chatId: string, options?: ReadChatMessagesOptions): Promise<ChatUiMessage[]> {
  return readChatMessagesOf(await engineOfThisProcess(), userId, chatId, options)
}
