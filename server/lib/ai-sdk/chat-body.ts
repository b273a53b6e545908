/**
 * Reads the chat route's body under `limits.maxChatBodyBytes`. Past it the `413` says what to do,
 * not only the limit: the usual cause is a file sent as a data URL (a phone photo is 3 MB and
 * more). The route never sees the message that made it too large, yet the SDK keeps that message
 * in its list and posts it again with every later turn, so without this the chat only ever got
 * `Body is larger than 4194304 bytes` until a reload (docs/ai-sdk.md, "Refused messages").
 */
import type { H3Event } from 'h3'
import { RequestError, readJsonBody } from '../http/request'
import { MAX_CHAT_BODY_DEPTH } from './chat-request'

/** What a client does about the chat route's `413`. */
export const CHAT_BODY_TOO_LARGE_HINT = 'the model gets the text of the messages only (file parts are refused): remove the refused message from the chat\'s messages, or every later turn posts it again, and send its text without files; a chat grown past the limit can send its newest message only (docs/ai-sdk.md, "Sending only the last message")'

/** The JSON body of `POST /api/jobs/chat`; a `413` past `maxBytes` names the limit and what to do. */
export async function readChatBody(event: H3Event, maxBytes: number): Promise<unknown> {
  try {
    return await readJsonBody(event, maxBytes, 'limits.maxChatBodyBytes', MAX_CHAT_BODY_DEPTH)
  }
  catch (error) {
    if (error instanceof RequestError && error.statusCode === 413) throw new RequestError(413, `${error.message}: ${CHAT_BODY_TOO_LARGE_HINT}`)
    throw error
  }
}
