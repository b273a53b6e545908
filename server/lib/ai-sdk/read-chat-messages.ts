/**
 * A chat's stored messages for server code (decision 40): what `GET /api/jobs/chat/:chatId/messages`
 * answers, read without a request — a page rendered by the app's own server route, a webhook, an
 * export. Scoped to the user id the caller passes (another user's chat, like an unknown one, has
 * no messages), on every provider: it reads the chat's jobs as the route does.
 */
import type { BackgroundJobsEngine } from '../engine'
import { admitUserId } from '../admit-ids'
import { InvalidRequestError } from '../errors'
import { MAX_ID_CHARS } from '../id-characters'
import { chatHistory } from './chat-history'
import type { UiMessage } from './ui-parts'

/** Options of `readChatMessages`. */
export interface ReadChatMessagesOptions {
  /**
   * Give assistant messages the metadata of the app's `background-jobs:chat-message-metadata` hook,
   * as the messages route does (the hook is asked; without one, nothing happens). @default true
   */
  metadata?: boolean
}

/** The messages of chat `chatId` of user `userId`, oldest first (`[]` for a chat the user has no job in). */
export async function readChatMessagesOf(engine: BackgroundJobsEngine, userId: string, chatId: string, options: ReadChatMessagesOptions = {}): Promise<UiMessage[]> {
  admitUserId(userId)
  // The same bound as the route's `:chatId` (chat-id-param.ts): no chat can have a longer id.
  if (typeof chatId !== 'string' || chatId === '') throw new InvalidRequestError('chatId: must be a non-empty string, the chat\'s id (useChat({ id }))')
  if (chatId.length > MAX_ID_CHARS) throw new InvalidRequestError(`chatId: must be at most ${MAX_ID_CHARS} characters (got ${chatId.length})`)
  return await chatHistory({ engine, userId, config: engine.getConfig() }, chatId, { metadata: options.metadata ?? true })
}
