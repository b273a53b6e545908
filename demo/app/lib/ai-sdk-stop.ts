/**
 * The /ai-sdk page's Stop (and Escape), on the layer's `useChatStop` (app/composables/useChatStop.ts:
 * the abort route next to `stop()`, `stopping` while it is under way, the stopped answer as the
 * server kept it, the post a Stop cut short aborted again — docs/decisions/047). What the page adds
 * is its own: the answers the abort route stopped are marked so (the page closed their responses,
 * so their finish metadata never came) and a screen reader hears it; `stopError` says, as the main
 * chat says it, why a Stop did not stop the answer, until the next Stop or message; the focus goes
 * on to the box when Stop goes away. A Stop right after Send, before any part of the answer came,
 * leaves the user's message last when the server's answer cannot be read (or there was none yet):
 * `stoppedUnanswered` is then the stopped answer the page shows under it — "Stopped before any
 * answer came." and Retry (the SDK's `regenerate()` asks that message again), as the main chat's
 * stopped turn and a reload show it — until a message follows it.
 */
import type { UIMessage } from 'ai'
import type { Ref } from 'vue'
import { computed } from 'vue'
import type { ChatStopFetch } from '../../../app/lib/chat-stop-fetch'
import { useChatStop } from '../../../app/composables/useChatStop'
import { isStoppedAnswer, withStoppedAnswers } from './answer-end'
import type { AnswerAnnouncer } from './ai-sdk-announcements'
import { failureText } from './wording'

export interface AiSdkStopOptions {
  chatId: Ref<string>
  messages: Ref<UIMessage[]>
  /** The SDK's status. */
  status: Ref<string>
  /** The SDK's `stop()`. */
  stop: () => Promise<void>
  /** Puts the page's lines in its live region. */
  announce: (lines: string[]) => void
  /** The page's announcer of the moment (a new one for each chat). */
  announcer: () => AnswerAnnouncer
  /** Where the focus goes when Stop goes away. */
  focusAfterStop: () => void
  /** Reads the chat's messages again (after a Stop that stopped an answer the page no longer followed). */
  reread: () => void
  /** The transport's `fetch` (the layer's `createChatStopFetch()`). */
  fetch?: ChatStopFetch
}

export function useAiSdkStop(options: AiSdkStopOptions) {
  const { messages } = options
  const chatStop = useChatStop({ id: options.chatId, messages, status: options.status, stop: options.stop }, {
    fetch: options.fetch,
    reread: options.reread,
    onStopped: ({ jobs, stoppedBeforeAnswer }) => {
      messages.value = withStoppedAnswers(messages.value, jobs)
      const last = messages.value.at(-1)
      if (isStoppedAnswer(last?.metadata)) options.announce(options.announcer().end(last!, 'stopped'))
      else if (last?.role === 'user' && (stoppedBeforeAnswer || jobs.some(job => job.status === 'aborted'))) options.announce(['Answer stopped.'])
    },
  })
  /** Why the last Stop did not stop the answer, in the main chat's words; null otherwise. */
  const stopError = computed(() => (chatStop.stopError.value === null ? null : failureText(chatStop.stopError.value, 'stop')))
  /** The stopped answer shown under the user's message a Stop ended before any of its answer came. */
  const stoppedUnanswered = computed<UIMessage | null>(() => {
    const id = chatStop.stoppedBeforeAnswer.value
    return id ? { id: `${id}:stopped`, role: 'assistant', metadata: { ended: 'aborted' }, parts: [] } : null
  })
  /** Stop (`keepFocus`: by Escape, from the box, where the focus stays as in the main chat). */
  async function stopAnswer({ keepFocus = false } = {}): Promise<void> {
    if (chatStop.stopping.value) return
    if (!keepFocus) options.focusAfterStop()
    await chatStop.stop()
  }
  return { stopError, stopAnswer, stopping: chatStop.stopping, unfollowed: chatStop.unfollowed, stoppedUnanswered, resetStop: chatStop.reset }
}
