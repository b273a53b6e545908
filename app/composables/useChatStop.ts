/**
 * Stop for an AI SDK chat on the layer's chat route (`useChat` of `@ai-sdk/vue` with
 * `DefaultChatTransport` pointed at `/api/jobs/chat`). The SDK's `stop()` only closes the response:
 * the background job would run on. `stop()` here closes it and stops the job too — the abort route,
 * `stopping` while it is under way, the stopped answer as the server kept it, the message a Stop
 * ended before any answer, the post a Stop cut short (docs/decisions/047, 048). All of that is
 * `createChatStop()` (app/lib/chat-stop.ts, no framework in it: React's binding shares it); this is
 * its Vue binding: the chat's refs in, the Stop's state out as refs, its requests through
 * `useJobsFetch()` (the app's base path, SSR cookies), its waits ended when the component goes.
 */
import { computed, getCurrentScope, onScopeDispose, shallowRef, toValue, watch } from 'vue'
import type { ComputedRef, MaybeRefOrGetter, Ref } from 'vue'
import type { ChatStopOptions } from '../lib/chat-stop'
import { createChatStop, stoppedBeforeAnswerOf } from '../lib/chat-stop'
import type { ChatStopMessage } from '../lib/kept-stopped-answers'

export { CHAT_STOP_WAIT_MS } from '../lib/chat-stop'
export type { ChatStopOptions, ChatStopResult, StoppedChatJob } from '../lib/chat-stop'
export { createChatStopFetch, CUT_SHORT_POST_GIVE_UP_MS } from '../lib/chat-stop-fetch'
export type { ChatStopFetch, ChatStopFetchOptions, CutShortOutcome, CutShortPost } from '../lib/chat-stop-fetch'
export type { ChatStopMessage } from '../lib/kept-stopped-answers'

/** The chat as `useChat()` of `@ai-sdk/vue` gives it (its result fits as it is). */
export interface ChatStopChat<M extends ChatStopMessage> {
  /** The chat's id (the abort and messages routes' `:chatId`); empty or undefined: the one the transport posted to (app/lib/chat-stop.ts). */
  id: MaybeRefOrGetter<string | undefined>
  messages: Ref<M[]>
  /** The SDK's status (`submitted` and `streaming`: a response is open). */
  status: MaybeRefOrGetter<string>
  /** The SDK's `stop()`. */
  stop: () => Promise<void>
}

/** What `useChatStop` gives. */
export interface ChatStop {
  /** Stops the answer (above). A press while a Stop is under way does nothing. */
  stop: () => Promise<void>
  /** A Stop is under way: Stop says "Stopping…"; Send and approval answers wait. */
  stopping: Readonly<Ref<boolean>>
  /** Why the last Stop did not stop the answer (the abort's failure, or a `TypeError` when the post it cut short got no response in time); null otherwise. */
  stopError: Readonly<Ref<unknown>>
  /** The last Stop closed the answer's response but failed: it may run on unseen. */
  unfollowed: Readonly<Ref<boolean>>
  /** The user's message a Stop ended before any of its answer came, while it is last and no response is open; null otherwise. */
  stoppedBeforeAnswer: ComputedRef<string | null>
  /** Forgets a failed Stop (`stopError`, `unfollowed`): a new message, a read of the chat. */
  reset: () => void
}

/** Stop for an AI SDK chat (above). */
export function useChatStop<M extends ChatStopMessage>(chat: ChatStopChat<M>, options: ChatStopOptions = {}): ChatStop {
  const requestFetch = useJobsFetch()
  const givenId = () => toValue(chat.id)
  const core = createChatStop<M>({
    id: givenId,
    messages: () => chat.messages.value,
    updateMessages: (update) => {
      chat.messages.value = update(chat.messages.value)
    },
    status: () => toValue(chat.status),
    stop: () => chat.stop(),
  }, options, { request: (url, init) => requestFetch<unknown>(url, init) })
  const state = shallowRef(core.getSnapshot())
  core.subscribe(() => {
    state.value = core.getSnapshot()
  })
  watch(givenId, id => core.noteChatId(id))
  if (getCurrentScope()) onScopeDispose(core.connect())
  return {
    stop: core.stop,
    stopping: computed(() => state.value.stopping),
    stopError: computed(() => state.value.stopError),
    unfollowed: computed(() => state.value.unfollowed),
    stoppedBeforeAnswer: computed(() => stoppedBeforeAnswerOf(state.value.stoppedBefore, chat.messages.value, toValue(chat.status))),
    reset: core.reset,
  }
}
