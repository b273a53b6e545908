/**
 * Retry under the /ai-sdk page's newest answer, stopped or failed where asking again can help, as
 * the main chat decides (lib/failure-kinds.ts; AiSdkMessage.vue shows it): the SDK's own
 * `regenerate()` drops the answer and asks its message again (docs/ai-sdk.md, "Regenerate and
 * edit").
 */
import type { ChatStatus, UIMessage } from 'ai'
import type { Ref } from 'vue'

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
  /** The SDK's `regenerate()`. */
  regenerate: () => Promise<void>
  /** The page takes no Retry now (a response open, a read or a stop under way). */
  blocked: () => boolean
}

/** `beforeRetry`: what a Retry does on the page before asking (notes cleared, the focus, following the answer). */
export function useAiSdkRetry({ messages, status, error, postAnswered, regenerate, blocked }: AiSdkRetryOptions, beforeRetry: () => void) {
  /** Retry under the newest answer: asked again. */
  async function retryAnswer(): Promise<void> {
    if (blocked()) return
    beforeRetry()
    await regenerate()
  }
  return { retryAnswer }
}
