/**
 * The body `DefaultChatTransport` posts — `{ id, messages, trigger, messageId, …body }` with UI
 * messages made of parts — read into what a background job needs: the chat id (the job's thread),
 * the history as plain `{ role, content }` messages (text parts only; system messages are dropped
 * later, as on `POST /api/jobs`), and, when the last message (or the assistant message the SDK
 * names in `messageId`) is the assistant's with tool approvals answered (`addToolApprovalResponse`),
 * those answers.
 */
import { z } from 'zod'
import { boundedList } from '../http/bounded-list'
import { RequestError, validate } from '../http/request'
import { MAX_ID_CHARS, withoutControlCharacters } from '../id-characters'
import { MAX_JSON_DEPTH as MAX_RESULT_DEPTH } from '../json-problem'
import { clientFieldsOf } from './client-body'

/**
 * How deeply a transport body may nest: the SDK posts tool outputs back, and a tool result may
 * nest up to `MAX_RESULT_DEPTH` levels (json-problem.ts), inside the body, the messages, the
 * message, its parts and the part. Past the 64 levels of other requests (json-depth.ts), such a
 * chat's every later turn was refused. Nothing here walks a tool output: only the Unicode check
 * does, well within the stack at this depth.
 */
export const MAX_CHAT_BODY_DEPTH = MAX_RESULT_DEPTH + 8

/** A UI message part: only `type` is read for every part; text and tool parts are read below. */
const partSchema = z.looseObject({ type: z.string().max(200) })

const messageSchema = z.object({
  id: z.string().max(MAX_ID_CHARS).optional(),
  role: z.enum(['system', 'user', 'assistant']),
  // Any number of parts: checked until the first problems (bounded-list.ts).
  parts: boundedList(partSchema),
  /** The app's data: checked (JSON, bounded) only on the user message a new job answers (prompt-metadata.ts). */
  metadata: z.unknown().optional(),
})

/** The transport's body. `model` and `tools` are checked with the `POST /api/jobs` schema. */
export const chatRequestSchema = z.object({
  // The chat id is a path segment of the resume, stop and messages routes, compared as it is there:
  // kept whole (never trimmed), and refused where it could not round-trip — the server decodes
  // `%3F` and `%23` in paths. It becomes the jobs' thread id, which holds no control character
  // (id-characters.ts).
  id: withoutControlCharacters(z.string().min(1).max(MAX_ID_CHARS)
    .refine(value => value.trim() === value, 'must not start or end with whitespace (the SDK puts the chat id in the resume URL)')
    .refine(value => !/[?#]/.test(value), 'must not contain "?" or "#" (the SDK puts the chat id in the resume URL)')
    // The SDK refuses to resume these (its resume URL would be a relative path): refused up front.
    .refine(value => value !== '.' && value !== '..', 'must not be "." or ".." (the SDK cannot resume such a chat)')),
  messages: boundedList(messageSchema, { items: 1, message: 'must hold at least one message' }),
  trigger: z.enum(['submit-message', 'regenerate-message']).optional(),
  messageId: z.string().max(MAX_ID_CHARS).optional(),
  model: z.unknown().optional(),
  tools: z.unknown().optional(),
})

/**
 * The body of a client that sends only its newest message (`prepareSendMessagesRequest` returning
 * `{ id, message }`, the AI SDK docs' pattern for a server that loads the chat's history itself):
 * the history is then the chat's own jobs (server-history.ts).
 */
const lastMessageRequestSchema = chatRequestSchema.omit({ messages: true }).extend({ message: messageSchema })

/**
 * A parsed transport body; `clientFields`: the app's own fields of it (client-body.ts), unchecked
 * until a new turn keeps them.
 */
export type ChatRequest = z.infer<typeof chatRequestSchema> & { clientFields?: Record<string, unknown> }

/** A UI message. */
export type UiMessageInput = ChatRequest['messages'][number]

/** An approval the user answered in the client. */
export interface ApprovalAnswer {
  /** The SDK's approval id: our input request id. */
  approvalId: string
  toolCallId: string
  approved: boolean
  reason?: string
}

/** The text of a message: its text parts, in order. Files, sources and data parts are not sent to the model. */
export function messageText(message: UiMessageInput): string {
  return message.parts
    .filter(part => part.type === 'text' && typeof part.text === 'string')
    .map(part => part.text as string)
    .join('\n\n')
}

/** The history as plain messages, one per UI message (so a 400 names the same index). */
export function toPlainMessages(messages: UiMessageInput[]): Array<{ role: UiMessageInput['role'], content: string }> {
  return messages.map(message => ({ role: message.role, content: messageText(message) }))
}

// The reason's length is not checked here: the job keeps it cut, as any approval reason
// (tool-approval.ts). A 400 would leave the approval unanswerable: the SDK posts the same answer again.
const approvalSchema = z.object({ id: z.string().min(1).max(MAX_ID_CHARS), approved: z.boolean(), reason: z.string().optional() })

/** The answered approvals of a message (tool parts in state `approval-responded`). */
export function answeredApprovals(message: UiMessageInput, messageIndex: number): ApprovalAnswer[] {
  const answers: ApprovalAnswer[] = []
  message.parts.forEach((part, index) => {
    const isTool = part.type === 'dynamic-tool' || part.type.startsWith('tool-')
    if (!isTool || part.state !== 'approval-responded') return
    const approval = approvalSchema.safeParse(part.approval)
    if (!approval.success || typeof part.toolCallId !== 'string') {
      throw new RequestError(400, `messages.${messageIndex}.parts.${index}.approval: an answered approval needs { id, approved }`)
    }
    answers.push({ approvalId: approval.data.id, toolCallId: part.toolCallId, approved: approval.data.approved, ...(approval.data.reason ? { reason: approval.data.reason } : {}) })
  })
  return answers
}

/**
 * What the request asks for: a new turn, answers to the pending approvals of a running one, or
 * nothing new (the assistant's message is last with no approval answered: see settled-stream.ts).
 */
export type ChatIntent =
  /** `historyFromServer`: the client sent its newest message only; the chat's history is to be loaded. */
  | { kind: 'turn', request: ChatRequest, historyFromServer?: boolean }
  /** `message`: the assistant message the answers are on, which the response continues (`answeredMessage`); `field`: where the body holds it, as below. */
  | { kind: 'approvals', request: ChatRequest, answers: ApprovalAnswer[], message: UiMessageInput, field: string }
  /** `field`: where the body holds `message` (`messages.N`, or `message` for a newest-message-only body). */
  | { kind: 'settled', request: ChatRequest, messageId: string, message: UiMessageInput, field: string }

/**
 * Refuses file parts in the user message a new turn answers (`sendMessage({ text, files })`): the
 * model gets text only, so an answer would silently ignore the file. A 400 naming the part, as an
 * AI SDK server whose model cannot take files fails the request. Earlier messages are not checked:
 * the SDK keeps a refused message in its list, and the next turn must not fail for it again.
 */
function refuseFileParts(request: ChatRequest): void {
  const index = request.messages.findLastIndex(message => message.role === 'user')
  if (index === -1) return
  const parts = request.messages[index]!.parts
  const file = parts.findIndex(part => part.type === 'file')
  if (file === -1) return
  const mediaType = typeof parts[file]!.mediaType === 'string' ? ` (${String(parts[file]!.mediaType).slice(0, 100)})` : ''
  throw new RequestError(400, `messages.${index}.parts.${file}: file parts${mediaType} are not supported: the model gets the text of the messages only; send the file's content as text`)
}

/** The body as `{ id, messages }` (with the app's own fields), and whether the client sent its newest `message` only. */
function readMessages(body: unknown): { request: ChatRequest, historyFromServer: boolean } {
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body)
  const clientFields = clientFieldsOf(body)
  const fields = Object.keys(clientFields).length > 0 ? { clientFields } : {}
  if (isObject && !('messages' in body) && 'message' in body) {
    const { message, ...rest } = validate(lastMessageRequestSchema, body)
    return { request: { ...rest, messages: [message], ...fields }, historyFromServer: true }
  }
  return { request: { ...validate(chatRequestSchema, body), ...fields }, historyFromServer: false }
}

/**
 * A newest-message-only body that names (`messageId`, `trigger: 'submit-message'`) another message
 * than the one it holds: the SDK writes the response into the message it names (an approval
 * answered on an earlier answer), so an answer for the message sent would land in that message's
 * place — the sent one then twice, the named one gone. A 400 saying which message to send.
 */
function refuseOtherNamedMessage(request: ChatRequest): void {
  const sent = request.messages[0]!
  if (request.trigger !== 'submit-message' || request.messageId === undefined || request.messageId === sent.id) return
  throw new RequestError(400, `messageId: names message ${JSON.stringify(request.messageId.slice(0, 200))}, which the SDK writes this response into, but the body holds message ${JSON.stringify(sent.id ?? '')}: send the message the SDK names (prepareSendMessagesRequest: message: messages.find(message => message.id === messageId) ?? messages.at(-1))`)
}

/** Reads and classifies a transport body. */
export function readChatRequest(body: unknown): ChatIntent {
  const { request, historyFromServer } = readMessages(body)
  if (historyFromServer) refuseOtherNamedMessage(request)
  try {
    return classify(request, historyFromServer)
  }
  catch (error) {
    if (historyFromServer) nameSentMessage(error, 0)
    throw error
  }
}

/**
 * A client that sent one `message` (no `messages`): a 400 about it names it so, not by `index`,
 * its place in a list the client never sent.
 */
export function nameSentMessage(error: unknown, index: number): void {
  if (error instanceof RequestError) error.message = error.message.replace(new RegExp(`\\bmessages\\.${index}\\b`, 'g'), 'message')
}

/**
 * The index of the assistant message the response is for, when the post is about one: the SDK's
 * `messageId` (`trigger: 'submit-message'`) names it when it posts for an approval or a tool output
 * (`sendMessage()` with no message, `sendAutomaticallyWhen`), and the SDK writes the response into
 * that message — also when it is not the last (an approval answered on an earlier message): a new
 * turn, or the settled answer of the last message, would overwrite it there (or the last message
 * with its copy). Otherwise the last message, when it is the assistant's; -1 for a new turn.
 */
function answeredMessage(request: ChatRequest): number {
  const named = request.trigger !== 'regenerate-message' && request.messageId !== undefined
    ? request.messages.findLastIndex(message => message.id === request.messageId)
    : -1
  if (named !== -1 && request.messages[named]!.role === 'assistant') return named
  return request.messages.at(-1)!.role === 'assistant' ? request.messages.length - 1 : -1
}

function classify(request: ChatRequest, historyFromServer: boolean): ChatIntent {
  const last = request.messages.at(-1)!
  const index = answeredMessage(request)
  // Dropped before the model: the turn would answer the user message before it again, replacing its answer.
  if (index === -1 && last.role === 'system') {
    throw new RequestError(400, `messages.${request.messages.length - 1}.role: the last message must be the user's (a new answer) or the assistant's (tool approvals); system messages are not sent to the model: set prompts in the background-jobs:upstream-request hook`)
  }
  if (index !== -1) {
    const message = request.messages[index]!
    const answers = answeredApprovals(message, index)
    const field = historyFromServer ? 'message' : `messages.${index}`
    if (answers.length === 0) {
      if (message.id) return { kind: 'settled', request, messageId: message.id, message, field }
      throw new RequestError(400, `messages.${index}.id: the last message must be the user's, or the assistant's with its id`)
    }
    return { kind: 'approvals', request, answers, message, field }
  }
  refuseFileParts(request)
  return historyFromServer ? { kind: 'turn', request, historyFromServer } : { kind: 'turn', request }
}
