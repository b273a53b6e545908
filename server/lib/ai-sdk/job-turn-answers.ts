/**
 * A main-chat job (`POST /api/jobs`) that answers again the turn of a job started without a
 * `messageId` (the main chat's Regenerate and Retry: `messageId` is that job's id). The AI SDK
 * messages route names such a turn's user message `<jobId>:user` (user-message-ids.ts), which it
 * could tell only while job `<jobId>` was listed: once that job was gone (past retention first,
 * being the turn's oldest; or deleted), the message came back as the bare job id, and the id
 * changed under a page that held it. So the creation says it on the request (`answersJob`), read
 * from the job it names, or — that one gone — from the newest job that answered it again before.
 */
import type { JobsRouteContext } from '../http/handler'

/** Whether a chat job of `threadId` started with `messageId` answers job `messageId`'s turn again. */
export async function answersJobTurn({ engine, userId }: JobsRouteContext, threadId: string | null | undefined, messageId: string | null | undefined): Promise<boolean> {
  if (!threadId || !messageId) return false
  const { provider } = engine
  // The listed record: its owner and fields, without a long chat's whole history.
  const named = await (provider.getListed ? provider.getListed(messageId, { userId }) : provider.get(messageId, { userId }))
  if (named?.userId === userId) return named.type === 'chat' && named.threadId === threadId && !named.messageId
  const [before] = await engine.listJobRecords(userId, { threadId, messageId, limit: 1 })
  return before?.request.type === 'chat' && before.request.answersJob === true
}
