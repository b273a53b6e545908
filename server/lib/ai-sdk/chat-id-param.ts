/**
 * The `:chatId` of the AI SDK's resume, stop and messages routes: the chat id `POST /api/jobs/chat`
 * took as the jobs' thread (chat-request.ts). These routes only read or stop a chat that exists, so
 * one over 200 characters (no chat can have it) is refused (400 naming `chatId`) rather than looked
 * up in the store; a control character is not: that refusal is where chats are created, and a chat
 * stored before it stays loadable and stoppable (the owner check isolates users).
 */
import type { H3Event } from 'h3'
import { getRouterParam } from 'h3'
import { RequestError } from '../http/request'
import { MAX_ID_CHARS } from '../id-characters'

/** The route's chat id, decoded; a 400 for one no chat can have. */
export function chatIdParam(event: H3Event): string {
  const chatId = getRouterParam(event, 'chatId', { decode: true }) ?? ''
  if (chatId.length > MAX_ID_CHARS) throw new RequestError(400, `chatId: must be at most ${MAX_ID_CHARS} characters (got ${chatId.length})`)
  return chatId
}
