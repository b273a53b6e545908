/**
 * Turns of the open /ai-sdk chat deleted — the whole thread from the thread list here, or anywhere
 * else (the notification stream): their messages leave the page, as the main chat's turns do. The
 * SDK would otherwise post them again as the next message's history, and the deleted conversation
 * would reach the model and come back as a thread. An answer's message id is its job's id; the user
 * message it answered goes with it. Once no answer is left, a new chat opens.
 *
 * While the chat's messages are being read there is nothing on the page to go by: the read decides.
 * Its list comes without the deleted turns (a read that started before the delete still has them),
 * and a new chat opens only when that list has no answer left.
 */
import type { UIMessage } from 'ai'
import type { Ref } from 'vue'
import type { DeletedJob } from '../../../app/lib/deleted-jobs'
import { forgetDraft } from '../lib/drafts'
import { forgetThreadChoices } from '../lib/version-choices'

/** The messages without the answers of `jobIds` and the user message each one answered. */
export function withoutDeletedAnswers(messages: UIMessage[], jobIds: ReadonlySet<string>): UIMessage[] {
  const gone = new Set<number>()
  messages.forEach((message, index) => {
    if (message.role !== 'assistant' || !jobIds.has(message.id)) return
    gone.add(index)
    if (messages[index - 1]?.role === 'user') gone.add(index - 1)
  })
  return gone.size ? messages.filter((_, index) => !gone.has(index)) : messages
}

export interface AiSdkDeletionsOptions {
  chatId: Ref<string>
  messages: Ref<UIMessage[]>
  /** The chat whose messages are being read, or null. */
  reading: Ref<string | null>
  openNewChat: () => void
}

export function useAiSdkDeletions({ chatId, messages, reading, openNewChat }: AiSdkDeletionsOptions) {
  const { onDeleted } = useBackgroundJobs()
  const { push: pushToast } = useToasts()
  /** The open chat's jobs deleted (a read on its way may still bring them), and where the last delete came from. */
  const deleted = new Set<string>()
  let lastOrigin: DeletedJob['origin'] = 'here'

  function leave(): void {
    // Deleted, here or elsewhere: the thread's draft (typed in the main chat, lib/drafts.ts) and its
    // answer versions chosen there (lib/version-choices.ts) go with it.
    if (lastOrigin !== 'lost') {
      forgetDraft(chatId.value)
      forgetThreadChoices(chatId.value)
    }
    if (lastOrigin === 'elsewhere') pushToast({ message: 'This conversation was deleted in another tab.', tone: 'info' })
    // Nobody deleted it: the server's job store lost it before it ended (a `job-lost`).
    else if (lastOrigin === 'lost') pushToast({ message: 'This conversation’s answer was lost by the server (its job store no longer has it).', tone: 'warning' })
    openNewChat()
  }

  onDeleted(({ jobId, threadId, origin }) => {
    if (threadId !== chatId.value) return
    deleted.add(jobId)
    lastOrigin = origin
    messages.value = withoutDeletedAnswers(messages.value, new Set([jobId]))
    if (messages.value.some(message => message.role === 'assistant')) return
    // Its messages on their way: the read tells whether any answer is left.
    if (reading.value === chatId.value) return
    leave()
  })

  return {
    /** Another chat is open: what was deleted of the one before no longer matters. */
    reset(): void {
      deleted.clear()
      lastOrigin = 'here'
    },
    /** The chat's messages as read, without its turns deleted meanwhile; null when none is left (a new chat opened). */
    afterRead(loaded: UIMessage[]): UIMessage[] | null {
      if (!deleted.size) return loaded
      const left = withoutDeletedAnswers(loaded, deleted)
      if (left.some(message => message.role === 'assistant')) return left
      leave()
      return null
    },
  }
}
