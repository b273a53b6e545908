/**
 * Retry under the /ai-sdk page's newest answer, stopped or failed where asking again can help, as
 * the main chat decides (lib/failure-kinds.ts; AiSdkMessage.vue shows it): the SDK's own
 * `regenerate()` drops the answer and asks its message again (docs/ai-sdk.md, "Regenerate and
 * edit"). The SDK drops it before the request goes: a request the server refused (a 429 at the
 * per-user limit, a 503) or that never reached it left the chat without the answer until a
 * reload. Such a Retry puts the answer back, with its own Retry, and the page's error line says
 * why the retry was refused, as the main chat's turn stays when its Retry is refused — in the
 * Retry's words ("the answer wasn’t retried", `errorAction`), not a new message's ("your message
 * wasn’t sent"): the answer it was to replace is still shown.
 */
import type { ChatStatus, UIMessage } from 'ai'
import type { Ref } from 'vue'
import { computed, shallowRef } from 'vue'

/**
 * The newest request was refused (an HTTP error before any answer) or got no answer at all (the
 * server or the network is down, `postAnswered` false): nothing the server runs came of it. A
 * stream that broke after the chat route answered is not that: the job took the request and runs on.
 */
export function requestRefused(status: ChatStatus, error: Error | undefined, postAnswered: boolean): boolean {
  const failure = error as { statusCode?: unknown } | undefined
  return status === 'error' && (typeof failure?.statusCode === 'number' || (failure instanceof TypeError && !postAnswered))
}

export interface AiSdkRetryOptions {
  messages: Ref<UIMessage[]>
  status: Ref<ChatStatus>
  error: Ref<Error | undefined>
  /** The chat route answered the newest post (lib/answered-post.ts). */
  postAnswered: Ref<boolean>
  /** The newest request posted approval answers (lib/answered-post.ts): its refusal is worded as an answer's. */
  postedAnswers?: Ref<boolean>
  /** The SDK's `regenerate()`. */
  regenerate: () => Promise<void>
  /** The page takes no Retry now (a response open, a read or a stop under way). */
  blocked: () => boolean
}

/** `beforeRetry`: what a Retry does on the page before asking (notes cleared, the focus, following the answer). */
export function useAiSdkRetry({ messages, status, error, postAnswered, postedAnswers, regenerate, blocked }: AiSdkRetryOptions, beforeRetry: () => void) {
  /**
   * The error of the newest Retry that failed — refused, reached no server, or its stream broke
   * after the route took it: while `error` is this one, the page words it as a Retry's ("the answer
   * wasn’t retried", "the answer is being retried"), not a message's. A later request's error is
   * another object.
   */
  const failedRetry = shallowRef<Error>()
  /** Retry under the newest answer: asked again; a refused request leaves the answer as it was. */
  async function retryAnswer(): Promise<void> {
    if (blocked()) return
    beforeRetry()
    const before = messages.value
    const answer = before.at(-1)
    await regenerate()
    if (status.value === 'error') failedRetry.value = error.value
    if (!requestRefused(status.value, error.value, postAnswered.value)) return
    // Put back only over what the SDK left of the chat: a read or a delete meanwhile decides.
    const now = messages.value
    const dropped = answer?.role === 'assistant' && now.length === before.length - 1 && now.every((message, index) => message.id === before[index]?.id)
    if (dropped) messages.value = before
  }
  /** What the request whose `error` the page shows was, for its wording (lib/chat-error.ts). */
  const errorAction = computed(() => (error.value !== undefined && error.value === failedRetry.value ? 'retry' : postedAnswers?.value ? 'answer' : 'send'))
  return { retryAnswer, errorAction }
}
