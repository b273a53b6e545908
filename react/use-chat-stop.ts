/**
 * Stop for an AI SDK chat in React (`useChat` of `@ai-sdk/react` with `DefaultChatTransport`
 * pointed at `/api/jobs/chat`): the layer's Stop (app/lib/chat-stop.ts — the abort route next to
 * the SDK's `stop()`, `stopping` while it is under way, the stopped answer as the server kept it,
 * the message a Stop ended before any answer, the post a Stop cut short) bound to React with
 * `useSyncExternalStore`. The same Stop as Vue's `useChatStop`; React is imported here only, never
 * by the layer's Nuxt side (docs/decisions/051).
 */
import { useEffect, useInsertionEffect, useRef, useState, useSyncExternalStore } from 'react'
import { createChatRouteRequest } from '../app/lib/chat-route-request'
import type { ChatRouteRequest, ChatStopOptions } from '../app/lib/chat-stop'
import { CHAT_API, createChatStop, stoppedBeforeAnswerOf } from '../app/lib/chat-stop'
import type { ChatStopMessage } from '../app/lib/kept-stopped-answers'

/** The chat as `useChat()` of `@ai-sdk/react` gives it (its result fits as it is). */
export interface ReactChatStopChat<M extends ChatStopMessage> {
  /** The chat's id (the routes' `:chatId`); empty or undefined: the one the transport posted to. */
  id?: string
  messages: M[]
  /** The SDK's `setMessages` (its function form reads the chat's own messages, not a render's). */
  setMessages: (messages: M[] | ((messages: M[]) => M[])) => void
  /** The SDK's status (`submitted` and `streaming`: a response is open). */
  status: string
  /** The SDK's `stop()`. */
  stop: () => Promise<void>
}

/** `useChatStop`'s options: Vue's, and how the routes are reached without Nuxt's `$fetch`. Each render's are the ones used. */
export interface ReactChatStopOptions extends ChatStopOptions {
  /** The transport's `api` (your base path included): the abort and messages routes are under it. @default '/api/jobs/chat' */
  api?: string
  /** Sent with the abort and messages requests, as the transport's `headers` are with its own (e.g. an `Authorization`). */
  headers?: Record<string, string>
  /** The transport's `credentials`. @default 'same-origin' */
  credentials?: RequestCredentials
  /** Sends the abort and messages requests instead of the default (a JSON `fetch`, `$fetch`'s way: rejects on a non-2xx answer). */
  request?: ChatRouteRequest
}

/** What `useChatStop` gives: Vue's `ChatStop`, as values of this render. */
export interface ReactChatStop {
  /** Stops the answer. A press while a Stop is under way does nothing. */
  stop: () => Promise<void>
  /** A Stop is under way: Stop says "Stopping…"; Send and approval answers wait. */
  stopping: boolean
  /** Why the last Stop did not stop the answer (the abort's failure, or a `TypeError` when the post it cut short got no response in time); null otherwise. */
  stopError: unknown
  /** The last Stop closed the answer's response but failed: it may run on unseen. */
  unfollowed: boolean
  /** The user's message a Stop ended before any of its answer came, while it is last and no response is open; null otherwise. */
  stoppedBeforeAnswer: string | null
  /** Forgets a failed Stop (`stopError`, `unfollowed`): a new message, a read of the chat. */
  reset: () => void
}

/** Stop for an AI SDK chat (above). */
export function useChatStop<M extends ChatStopMessage>(chat: ReactChatStopChat<M>, options: ReactChatStopOptions = {}): ReactChatStop {
  // The Stop reads the chat and the options when it uses them: those of the last committed render,
  // set during the commit itself (an insertion effect: before any other code can run, and no
  // warning in a server render), not after it as a passive effect, which a Stop pressed in
  // between would miss (it read the status before the answer began, and did not close it).
  const latest = useRef({ chat, options })
  useInsertionEffect(() => {
    latest.current = { chat, options }
  })
  const [core] = useState(() => {
    const current = () => latest.current.options
    return createChatStop<M>({
      id: () => latest.current.chat.id,
      messages: () => latest.current.chat.messages,
      updateMessages: update => latest.current.chat.setMessages(update),
      status: () => latest.current.chat.status,
      stop: () => latest.current.chat.stop(),
    }, {
      get fetch() {
        return current().fetch
      },
      get onStopped() {
        return current().onStopped
      },
      get reread() {
        return current().reread
      },
      get waitMs() {
        return current().waitMs
      },
    }, {
      request: (url, init) => (current().request ?? createChatRouteRequest({ headers: current().headers, credentials: current().credentials }))(url, init),
      get api() {
        return current().api ?? CHAT_API
      },
    })
  })
  const state = useSyncExternalStore(core.subscribe, core.getSnapshot, core.getSnapshot)
  useEffect(() => core.connect(), [core])
  useEffect(() => core.noteChatId(chat.id), [core, chat.id])
  return {
    stop: core.stop,
    stopping: state.stopping,
    stopError: state.stopError,
    unfollowed: state.unfollowed,
    stoppedBeforeAnswer: stoppedBeforeAnswerOf(state.stoppedBefore, chat.messages, chat.status),
    reset: core.reset,
  }
}
